from rest_framework import serializers

from ip.evaluation import reason_codes
from ip.models import IpKind, Patent


class PatentSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    county = serializers.CharField(source="enterprise.county.code", read_only=True)
    held = serializers.BooleanField(source="is_held", read_only=True)
    high_value_conditions = serializers.SerializerMethodField()

    class Meta:
        model = Patent
        fields = ["id", "credit_code", "enterprise_name", "county", "number", "kind", "title", "filed_on",
                  "granted_on", "legal_status", "status_on", "claims", "ipc", "strategic_emerging",
                  "foreign_family_granted", "pledged_amount", "award", "acquired_on", "acquired_from",
                  "transferred_out_on", "transferred_to", "licence_count", "licensed_on", "licensee", "held",
                  "high_value", "high_value_conditions", "value_score", "evaluated_on"]  # fmt: skip
        read_only_fields = fields

    def get_high_value_conditions(self, patent) -> list[str]:
        return reason_codes(patent.high_value_reasons)


class PatentQuerySerializer(serializers.Serializer):
    credit_code = serializers.CharField(required=False)
    county = serializers.CharField(required=False, help_text="County code, e.g. 410402")
    kind = serializers.ChoiceField(choices=IpKind.choices, required=False)
    high_value = serializers.BooleanField(required=False, allow_null=True, default=None)
    held = serializers.BooleanField(required=False, allow_null=True, default=None)
    ordering = serializers.ChoiceField(choices=["value_score", "-value_score", "number", "filed_on"], required=False)


class CountyIpRowSerializer(serializers.Serializer):
    county_code = serializers.CharField(source="enterprise__county__code")
    county_name = serializers.CharField(source="enterprise__county__name")
    rights = serializers.IntegerField()
    held_valid = serializers.IntegerField()
    inventions = serializers.IntegerField()
    high_value = serializers.IntegerField()
    firms = serializers.IntegerField()


class IpTotalsSerializer(serializers.Serializer):
    rights = serializers.IntegerField()
    held_valid = serializers.IntegerField()
    inventions = serializers.IntegerField()
    high_value = serializers.IntegerField()
    firms = serializers.IntegerField()


class IpOverviewSerializer(serializers.Serializer):
    """The county IP overview: per county in scope, and transfers in and out by year."""

    counties = CountyIpRowSerializer(many=True)
    totals = IpTotalsSerializer()
    years = serializers.ListField(child=serializers.IntegerField())
    transfers_in = serializers.ListField(child=serializers.IntegerField())
    transfers_out = serializers.ListField(child=serializers.IntegerField())
