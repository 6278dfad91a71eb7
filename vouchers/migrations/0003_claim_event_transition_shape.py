# The claim event takes the shape every workflow's event shares (core.models.TransitionEvent): its columns are
# renamed, data kept, and it gains the (empty) data column.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vouchers', '0002_policies_claims_quotas'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='claimevent', old_name='from_status', new_name='from_state'),
        migrations.RenameField(model_name='claimevent', old_name='to_status', new_name='to_state'),
        migrations.RenameField(model_name='claimevent', old_name='comment', new_name='note'),
        migrations.AlterField(
            model_name='claimevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='claimevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='data'),
        ),
        migrations.AlterField(
            model_name='claimevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the portal itself took the step (a nightly run, an expiry, a public form).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
    ]
