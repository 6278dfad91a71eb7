from django.db import migrations


class Migration(migrations.Migration):
    """The API's tokens were DRF's authtoken, kept in plain text; they are django-rest-knox's now (hashed, expiring).
    The old table goes with every token in it: each holder asks for a new token."""

    dependencies = [("accounts", "0004_enterprise_accounts_moved")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop)]
