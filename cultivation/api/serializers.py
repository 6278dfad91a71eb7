from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cultivation.models import (
    Campaign,
    CampaignEntry,
    CampaignStage,
    CultivationWarning,
    PlanGap,
    PlanTask,
    PlanTaskStatus,
    TierMovement,
    TierPin,
    TierPlacement,
    WarningSeverity,
    WarningState,
)
from cultivation.warning_registry import warning_kind_choices
from scoring.models import Tier

COUNTY_CODE = r"^\d{6}$"


class PlacementQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)


class MovementQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    direction = serializers.ChoiceField(choices=["up", "down"], required=False)

    def validate(self, attrs):
        low, high = attrs.get("date_from"), attrs.get("date_to")
        if low and high and low > high:
            raise serializers.ValidationError(_("date_from is after date_to."))
        return attrs


class PinQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    live = serializers.BooleanField(required=False, allow_null=True, default=None)


class _FirmFields(serializers.Serializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    name = serializers.CharField(source="enterprise.name", read_only=True)
    county = serializers.CharField(source="enterprise.county.code", read_only=True)


class PlacementSerializer(_FirmFields, serializers.ModelSerializer):
    run_date = serializers.DateField(source="placed_by_run.run_date", read_only=True, allow_null=True)

    class Meta:
        model = TierPlacement
        fields = ["credit_code", "name", "county", "tier", "rules_tier", "pinned", "since", "run_date"]


class MovementSerializer(_FirmFields, serializers.ModelSerializer):
    cause_label = serializers.CharField(source="get_cause_display", read_only=True)

    class Meta:
        model = TierMovement
        fields = ["id", "credit_code", "name", "county", "date", "from_tier", "to_tier", "direction", "cause",
                  "cause_label", "cause_text", "run"]  # fmt: skip


class PinSerializer(_FirmFields, serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    ended_by = serializers.CharField(source="ended_by.username", read_only=True, allow_null=True)

    class Meta:
        model = TierPin
        fields = ["id", "credit_code", "name", "county", "tier", "reason", "ends_on", "created_by", "created_at",
                  "ended_at", "ended_by", "end_reason"]  # fmt: skip


class PinCreateSerializer(serializers.Serializer):
    """Parses a pin request; the firm is looked up in the caller's scope by the view (404 outside it)."""

    credit_code = serializers.RegexField(r"^[0-9A-Za-z]{18}$")
    tier = serializers.ChoiceField(choices=Tier.choices)
    reason = serializers.CharField(max_length=2000)
    ends_on = serializers.DateField()


class PinEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PlanGapSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    opened_run_date = serializers.DateField(source="opened_run.run_date", read_only=True)
    closed_run_date = serializers.DateField(source="closed_run.run_date", read_only=True, allow_null=True)

    class Meta:
        model = PlanGap
        fields = ["id", "key", "label", "text", "opened_run", "opened_run_date", "opened_on", "closed_run",
                  "closed_run_date", "closed_on"]  # fmt: skip

    def get_label(self, gap) -> str:
        from cultivation.plans import gap_label

        return gap_label(gap.key)


class PlanTaskSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True)

    class Meta:
        model = PlanTask
        fields = ["id", "credit_code", "gap", "what", "who", "assignee", "due_on", "status", "notes", "created_by",
                  "created_at", "updated_at"]  # fmt: skip


class PlanSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()
    county = serializers.CharField()
    can_edit = serializers.BooleanField()
    open_gaps = PlanGapSerializer(many=True)
    closed_gaps = PlanGapSerializer(many=True)
    tasks = PlanTaskSerializer(many=True)


class PlanTaskQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    status = serializers.ChoiceField(choices=PlanTaskStatus.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)


class PlanTaskWriteSerializer(serializers.Serializer):
    """Parses a task; the firm (on create) is looked up in the caller's scope by the view, the gap among its gaps."""

    credit_code = serializers.RegexField(r"^[0-9A-Za-z]{18}$", required=False)
    gap = serializers.IntegerField(required=False, allow_null=True)
    what = serializers.CharField(max_length=2000, required=False)
    who = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=PlanTaskStatus.choices, required=False)


class WarningQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    kind = serializers.MultipleChoiceField(choices=[], required=False)
    severity = serializers.MultipleChoiceField(choices=WarningSeverity.choices, required=False)
    state = serializers.MultipleChoiceField(
        choices=WarningState.choices, required=False, help_text=_("Default: open and acknowledged.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds the apps registered (in their AppConfig.ready, after this module may have been imported).
        self.fields["kind"].choices = warning_kind_choices()


class WarningSerializer(_FirmFields, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    first_seen_run_date = serializers.DateField(source="first_seen_run.run_date", read_only=True, allow_null=True)
    last_seen_run_date = serializers.DateField(source="last_seen_run.run_date", read_only=True, allow_null=True)

    class Meta:
        model = CultivationWarning
        fields = ["id", "credit_code", "name", "county", "kind", "kind_label", "severity", "rule", "values", "state",
                  "opened_at", "first_seen_run", "first_seen_run_date", "last_seen_run", "last_seen_run_date",
                  "acknowledged_at", "resolved_at", "auto_resolved_at", "auto_resolved_run"]  # fmt: skip


class WarningTransitionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["year", "title", "notes", "opened_at"]


class CampaignEntryQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False)
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    stage = serializers.ChoiceField(CampaignStage.choices, required=False)


class CampaignEntrySerializer(_FirmFields, serializers.ModelSerializer):
    year = serializers.IntegerField(source="campaign.year", read_only=True)

    class Meta:
        model = CampaignEntry
        fields = [
            "id", "year", "credit_code", "name", "county", "stage", "override", "tier_at_selection",
            "readiness_at_selection", "pre_review_result", "pre_review_notes", "submitted_on", "certificate_number",
            "certificate_issued_on", "failure_reason", "withdrawal_reason",
        ]  # fmt: skip


class CampaignTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(CampaignStage.choices)
    result = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    submitted_on = serializers.DateField(required=False)
    certificate_number = serializers.CharField(required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
