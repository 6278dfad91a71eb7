from django.db import migrations
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The import's events take the shape every workflow's events share (core.models.TransitionEvent)."""

    dependencies = [
        ('enterprises', '0005_patent_import_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='importjobevent', old_name='from_status', new_name='from_state'),
        migrations.RenameField(model_name='importjobevent', old_name='to_status', new_name='to_state'),
        migrations.RenameField(model_name='importjobevent', old_name='message', new_name='note'),
        migrations.AlterModelOptions(
            name='importjobevent',
            options={'ordering': ['at', 'id'], 'verbose_name': 'import event', 'verbose_name_plural': 'import events'},
        ),
        migrations.AddField(
            model_name='importjobevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='data'),
        ),
        migrations.AlterField(
            model_name='importjobevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the portal itself took the step (a nightly run, an expiry, a public form).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='importjobevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='importjobevent',
            name='from_state',
            field=models.CharField(blank=True, choices=[('validating', 'Checking'), ('invalid', 'Has errors'), ('ready', 'Ready to commit'), ('committing', 'Committing'), ('committed', 'Committed'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='importjobevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='importjobevent',
            name='to_state',
            field=models.CharField(choices=[('validating', 'Checking'), ('invalid', 'Has errors'), ('ready', 'Ready to commit'), ('committing', 'Committing'), ('committed', 'Committed'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], max_length=20, verbose_name='to'),
        ),
    ]
