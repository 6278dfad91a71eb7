from rest_framework import serializers

from enterprises.models import AnnualIndicator, County, Enterprise, Qualification


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["code", "name", "kind"]


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["kind", "number", "valid_from", "valid_to"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualIndicator
        exclude = ["id", "enterprise"]


class EnterpriseListSerializer(serializers.ModelSerializer):
    county = CountySerializer(read_only=True)
    latest_year = serializers.IntegerField(read_only=True, allow_null=True)
    latest_revenue = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)
    is_above_scale = serializers.BooleanField(read_only=True, allow_null=True)
    valid_qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "credit_code_checked",
            "name",
            "county",
            "industry_code",
            "industry_name",
            "high_tech_field",
            "founded_on",
            "latest_year",
            "latest_revenue",
            "is_above_scale",
            "valid_qualifications",
        ]


class EnterpriseDetailSerializer(EnterpriseListSerializer):
    is_innovative = serializers.BooleanField(read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta(EnterpriseListSerializer.Meta):
        fields = [
            *[f for f in EnterpriseListSerializer.Meta.fields if f != "valid_qualifications"],
            "address",
            "contact_person",
            "contact_phone",
            "is_innovative",
            "indicators",
            "qualifications",
        ]
