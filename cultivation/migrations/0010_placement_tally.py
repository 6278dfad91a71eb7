import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q


def count_placements(apps, schema_editor):
    TierPlacement = apps.get_model("cultivation", "TierPlacement")
    PlacementTally = apps.get_model("cultivation", "PlacementTally")
    rows = (
        TierPlacement.objects.order_by()
        .values_list("county_id", "tier")
        .annotate(firms=Count("tier"), listed=Count("tier", filter=Q(readiness__isnull=False)))
    )
    PlacementTally.objects.bulk_create(
        PlacementTally(county_id=county_id, tier=tier, firms=firms, listed=listed)
        for county_id, tier, firms, listed in rows
    )


def leave_room_for_nightly_updates(apps, schema_editor):
    # Every night rewrites every placement; with half of each page free the new row versions fit beside the old
    # ones, so that PostgreSQL updates a row whose indexed columns did not change without touching any index (HOT).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cultivation_tierplacement SET (fillfactor = 50)")


class Migration(migrations.Migration):

    dependencies = [
        ('cultivation', '0009_board_indexes'),
        ('enterprises', '0004_import_jobs'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlacementTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tier', models.CharField(choices=[('outside', 'Outside the pool'), ('t1', 'T1 Micro growth'), ('t2', 'T2 Small to high-tech'), ('t3', 'T3 High-tech to strong')], max_length=8, verbose_name='tier')),
                ('firms', models.PositiveIntegerField(verbose_name='firms')),
                ('listed', models.PositiveIntegerField(verbose_name='firms listed')),
                ('county', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='enterprises.county', verbose_name='county')),
            ],
            options={
                'verbose_name': 'placement tally',
                'verbose_name_plural': 'placement tallies',
                'constraints': [models.UniqueConstraint(fields=('county', 'tier'), name='placement_tally_unique')],
            },
        ),
        migrations.RunPython(count_placements, migrations.RunPython.noop),
        migrations.RunPython(leave_room_for_nightly_updates, migrations.RunPython.noop),
    ]
