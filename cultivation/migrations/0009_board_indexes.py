import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0008_placement_board_columns'),
        ('enterprises', '0004_import_jobs'),
        ('scoring', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='tiermovement',
            name='enterprise',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tier_movements', to='enterprises.enterprise', verbose_name='enterprise'),
        ),
        migrations.AddIndex(
            model_name='tiermovement',
            index=models.Index(condition=models.Q(('direction', 0), _negated=True), fields=['date'], name='movement_move_date_idx'),
        ),
            migrations.AlterField(
            model_name='tiermovement',
            name='run',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='scoring.scoringrun', verbose_name='run'),
        ),
        migrations.AlterField(
            model_name='tierplacement',
            name='county',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.county', verbose_name='county'),
        ),
        migrations.AlterField(
            model_name='tierplacement',
            name='placed_by_run',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='scoring.scoringrun', verbose_name='placed by run'),
        ),
    ]
