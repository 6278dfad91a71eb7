from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers


class DashboardQuerySerializer(serializers.Serializer):
    county = serializers.CharField(required=False, max_length=6, help_text="County code; default the user's scope")


class HeadlineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "share", "money"])
    value = serializers.JSONField(help_text="count: integer; share: fraction; money: yuan as a decimal string")
    year_ago = serializers.JSONField(help_text="The same figure on the same day a year ago")
    change = serializers.JSONField()
    target = serializers.JSONField()
    benchmark = serializers.JSONField(help_text="Province average (high-tech share) or city budget (vouchers)")
    benchmark_label = serializers.CharField()
    progress = serializers.FloatField(allow_null=True, help_text="value / target (or / budget)")
    firms_url = serializers.CharField(help_text="The firms behind the figure (page)")
    gap_url = serializers.CharField(help_text="The firms missing from it (page)")
    gap_label = serializers.CharField()
    link_url = serializers.CharField()


class CountyRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    values = serializers.DictField(child=serializers.JSONField())
    changes = serializers.DictField(child=serializers.JSONField())
    ranks = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    tiers = serializers.DictField(child=serializers.IntegerField())


class DashboardSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True)
    trigger = serializers.CharField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    county = serializers.JSONField(allow_null=True)
    targets_are_defaults = serializers.BooleanField(allow_null=True)
    headline = HeadlineSerializer(many=True)
    counties = CountyRowSerializer(many=True)
    trends = serializers.JSONField()
    tiers = serializers.JSONField()
    movements = serializers.JSONField()
    score_distribution = serializers.JSONField()
    vouchers = serializers.JSONField()
    firm_sets = serializers.DictField(child=serializers.CharField())


class FigureFirmSerializer(serializers.Serializer):
    credit_code = serializers.CharField(source="enterprise.credit_code")
    name = serializers.CharField(source="enterprise.name")
    county = serializers.CharField(source="enterprise.county.code")
    county_name = serializers.CharField(source="enterprise.county.name")
    tier = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField()

    def _placement(self, row):
        try:
            return row.enterprise.placement
        except ObjectDoesNotExist:  # never placed
            return None

    def get_tier(self, row) -> str | None:
        placement = self._placement(row)
        return placement.tier if placement else None

    def get_readiness(self, row) -> float | None:
        placement = self._placement(row)
        return placement.readiness if placement else None
