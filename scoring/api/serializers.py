from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from scoring import presentation
from scoring.models import Portrait, Tier
from scoring.rules import TAG_BITS, tag_codes

SCORE_FIELDS = ("readiness", "sme_score", "capability_estimate", "innovative_sme_score")


class PortraitQuerySerializer(serializers.Serializer):
    """The list's filters: county code, tier, tag, and a score range on one of the scores."""

    county = serializers.RegexField(r"^\d{6}$", required=False, help_text=_("County code, e.g. 410402"))
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    tag = serializers.ChoiceField(choices=sorted(TAG_BITS), required=False)
    score = serializers.ChoiceField(choices=SCORE_FIELDS, default="readiness", required=False)
    min_score = serializers.FloatField(required=False, min_value=0)
    max_score = serializers.FloatField(required=False, min_value=0)

    def validate(self, attrs):
        low, high = attrs.get("min_score"), attrs.get("max_score")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(_("min_score is above max_score."))
        return attrs


class PortraitSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    name = serializers.CharField(source="enterprise.name", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    run_date = serializers.DateField(source="run.run_date", read_only=True)
    ruleset_year = serializers.IntegerField(source="run.ruleset_year", read_only=True)
    tags = serializers.SerializerMethodField()
    percentile_in_county = serializers.SerializerMethodField()
    percentile_in_industry = serializers.SerializerMethodField()

    class Meta:
        model = Portrait
        fields = [
            "credit_code", "name", "county", "industry_division", "run_date", "ruleset_year", "tier", "readiness",
            "sme_score", "sme_eligible", "sme_passes", "capability_estimate", "capability_low", "capability_high",
            "conditions_met", "innovative_sme_score", "innovative_sme_passes", "gazelle_candidate", "srdi_candidate",
            "size_class", "above_scale", "innovative", "revenue_growth", "tags", "percentile_in_county",
            "percentile_in_industry",
        ]  # fmt: skip

    def get_tags(self, portrait) -> list[str]:
        return tag_codes(portrait.tag_mask)

    def _rank(self, portrait):
        return getattr(portrait, "rank", None)

    def get_percentile_in_county(self, portrait) -> float | None:
        rank = self._rank(portrait)
        return rank.in_county if rank else None

    def get_percentile_in_industry(self, portrait) -> float | None:
        rank = self._rank(portrait)
        return rank.in_industry if rank else None


class PortraitDetailSerializer(PortraitSerializer):
    """One firm's portrait with every breakdown: SME parts, the eight conditions, capability parts, upper rungs,
    the gaps in words, the radar, the raw detail values by name, and the score history."""

    explained = serializers.SerializerMethodField()
    details = serializers.DictField(read_only=True)
    history = serializers.SerializerMethodField()

    class Meta(PortraitSerializer.Meta):
        fields = [*PortraitSerializer.Meta.fields, "explained", "details", "history"]

    def get_explained(self, portrait) -> dict:
        explained = presentation.explain(portrait)
        explained["tags"] = [{"code": tag["code"], "label": str(tag["label"])} for tag in explained["tags"]]
        return explained

    def get_history(self, portrait) -> list[dict]:
        return self.context.get("history", [])
