import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0012_warning_no_service'),
        ('enterprises', '0005_patent_import_kind'),
    ]

    operations = [
        migrations.AlterField(
            model_name='tiermovement',
            name='enterprise',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tier_movements', to='enterprises.enterprise', verbose_name='enterprise'),
        ),
        migrations.AlterField(
            model_name='tierplacement',
            name='enterprise',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='placement', to='enterprises.enterprise', verbose_name='enterprise'),
        ),
    ]
