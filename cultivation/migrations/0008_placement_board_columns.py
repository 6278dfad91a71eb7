import django.db.models.deletion
from django.db import migrations, models


# Existing placements take their county from the firm and the rest from the portrait of the run that placed them.
BACKFILL_SQL = """
UPDATE cultivation_tierplacement SET
  county_id = (SELECT e.county_id FROM enterprises_enterprise e WHERE e.id = cultivation_tierplacement.enterprise_id),
  industry_division = COALESCE((SELECT p.industry_division FROM scoring_portrait p
      WHERE p.run_id = cultivation_tierplacement.placed_by_run_id
        AND p.enterprise_id = cultivation_tierplacement.enterprise_id), ''),
  readiness = (SELECT p.readiness FROM scoring_portrait p
      WHERE p.run_id = cultivation_tierplacement.placed_by_run_id
        AND p.enterprise_id = cultivation_tierplacement.enterprise_id),
  tag_mask = COALESCE((SELECT p.tag_mask FROM scoring_portrait p
      WHERE p.run_id = cultivation_tierplacement.placed_by_run_id
        AND p.enterprise_id = cultivation_tierplacement.enterprise_id), 0)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cultivation", "0007_campaign_stage_label"),
        ("enterprises", "0004_import_jobs"),
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="tierplacement",
            name="placement_tier_idx",
        ),
        migrations.AddField(
            model_name="tierplacement",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enterprises.county",
                verbose_name="county",
            ),
        ),
        migrations.AddField(
            model_name="tierplacement",
            name="industry_division",
            field=models.CharField(blank=True, max_length=2, verbose_name="industry division"),
        ),
        migrations.AddField(
            model_name="tierplacement",
            name="readiness",
            field=models.FloatField(blank=True, null=True, verbose_name="readiness"),
        ),
        migrations.AddField(
            model_name="tierplacement",
            name="tag_mask",
            field=models.BigIntegerField(default=0, verbose_name="tags"),
        ),
        migrations.RunSQL(BACKFILL_SQL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="tierplacement",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enterprises.county",
                verbose_name="county",
            ),
        ),
        migrations.AddIndex(
            model_name="tierplacement",
            index=models.Index(
                models.F("tier"),
                models.OrderBy(models.F("readiness"), descending=True),
                models.F("enterprise"),
                name="placement_tier_rank_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="tierplacement",
            index=models.Index(
                models.F("county"),
                models.F("tier"),
                models.OrderBy(models.F("readiness"), descending=True),
                models.F("enterprise"),
                name="placement_county_rank_idx",
            ),
        ),
    ]
