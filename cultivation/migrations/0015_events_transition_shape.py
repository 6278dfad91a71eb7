import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The task, warning and campaign events take the shape every workflow's events share
    (core.models.TransitionEvent: from_state, to_state, note, data, actor, at); the pin events the audit row's
    (core.models.AuditEvent: actor, at). Columns of the same meaning are renamed, data kept."""

    dependencies = [
        ("cultivation", "0014_warning_kinds_from_registry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="plantaskevent", old_name="from_status", new_name="from_state"),
        migrations.RenameField(model_name="plantaskevent", old_name="to_status", new_name="to_state"),
        migrations.RenameField(model_name="campaignevent", old_name="from_stage", new_name="from_state"),
        migrations.RenameField(model_name="campaignevent", old_name="to_stage", new_name="to_state"),
        migrations.AddField(
            model_name='campaignevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='plantaskevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='data'),
        ),
        migrations.AddField(
            model_name='plantaskevent',
            name='note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='warningevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='data'),
        ),
        migrations.AlterField(
            model_name='campaignevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the portal itself took the step (a nightly run, an expiry, a public form).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='campaignevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='campaignevent',
            name='from_state',
            field=models.CharField(blank=True, choices=[('candidate', 'Candidate'), ('pre_reviewed', 'Pre-reviewed'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('failed', 'Not approved'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='campaignevent',
            name='to_state',
            field=models.CharField(choices=[('candidate', 'Candidate'), ('pre_reviewed', 'Pre-reviewed'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('failed', 'Not approved'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='to'),
        ),
        migrations.AlterField(
            model_name='pinevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the portal itself took the step (a nightly run, an expiry, a public form).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='pinevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='plantaskevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the portal itself took the step (a nightly run, an expiry, a public form).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='plantaskevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='plantaskevent',
            name='from_state',
            field=models.CharField(blank=True, choices=[('todo', 'To do'), ('doing', 'In progress'), ('done', 'Done'), ('dropped', 'Dropped')], max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='plantaskevent',
            name='to_state',
            field=models.CharField(choices=[('todo', 'To do'), ('doing', 'In progress'), ('done', 'Done'), ('dropped', 'Dropped')], max_length=20, verbose_name='to'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty when the portal itself took the step (a nightly run, an expiry, a public form).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='from_state',
            field=models.CharField(blank=True, choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('resolved', 'Resolved'), ('auto_resolved', 'Resolved automatically')], max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='warningevent',
            name='to_state',
            field=models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('resolved', 'Resolved'), ('auto_resolved', 'Resolved automatically')], max_length=20, verbose_name='to'),
        ),
    ]
