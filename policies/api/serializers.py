from rest_framework import serializers

from policies.conditions import describe
from policies.models import Event, EventRegistration, MatchStatus, Notice, Policy, PolicyKind, PolicyMatch


class PolicyQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PolicyKind.choices, required=False)


class ConditionSerializer(serializers.Serializer):
    field = serializers.CharField()
    op = serializers.CharField()
    value = serializers.JSONField()
    text = serializers.SerializerMethodField()

    def get_text(self, condition) -> str:
        return describe(condition)


class PolicySerializer(serializers.ModelSerializer):
    conditions = ConditionSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = ["id", "title", "issuer", "document_number", "kind", "published_on", "applies_from",
                  "applies_until", "summary", "full_text", "max_amount", "amount_note", "conditions", "active",
                  "matched_at"]  # fmt: skip


class MatchQuerySerializer(serializers.Serializer):
    policy = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=MatchStatus.choices, required=False)
    county = serializers.CharField(required=False, max_length=6)


class PolicyMatchSerializer(serializers.ModelSerializer):
    policy_title = serializers.CharField(source="policy.title")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    enterprise_name = serializers.CharField(source="enterprise.name")
    county = serializers.CharField(source="county.code")
    missing_condition = serializers.SerializerMethodField()
    gap = serializers.CharField(source="gap_text")

    class Meta:
        model = PolicyMatch
        fields = ["id", "policy", "policy_title", "credit_code", "enterprise_name", "county", "status",
                  "missing_condition", "missing_actual", "gap"]  # fmt: skip

    def get_missing_condition(self, match) -> str | None:
        condition = match.missing_condition
        return describe(condition) if condition else None


class NoticeSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", allow_null=True, default=None)
    is_read = serializers.BooleanField(read_only=True, default=None)

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "published_at", "county", "tier", "policy", "include_nearly", "is_read"]


class EventSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", allow_null=True, default=None)
    seats_left = serializers.IntegerField(read_only=True)
    my_state = serializers.CharField(read_only=True, default=None)

    class Meta:
        model = Event
        fields = ["id", "kind", "title", "topic", "description", "starts_at", "place", "capacity", "seats_left",
                  "county", "tier", "policy", "include_nearly", "my_state"]  # fmt: skip


class RegistrationSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = EventRegistration
        fields = ["id", "event", "credit_code", "state", "created_at", "updated_at"]


class RegistrationTransitionSerializer(serializers.Serializer):
    to = serializers.CharField()
