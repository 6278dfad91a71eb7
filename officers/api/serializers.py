from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enterprises.models import HighTechField
from officers.models import (
    Assignment,
    AssignmentRun,
    Demand,
    DemandCategory,
    DemandEvent,
    DemandStatus,
    DemandUrgency,
    OfficerProfile,
    ServiceKind,
    ServiceLog,
)

COUNTY_CODE = r"^\d{6}$"
CREDIT_CODE = r"^[0-9A-Za-z]{18}$"


class _FirmFields(serializers.Serializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    name = serializers.CharField(source="enterprise.name", read_only=True)
    county = serializers.CharField(source="enterprise.county.code", read_only=True)


class OfficerQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class OfficerSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(read_only=True)
    county = serializers.CharField(source="county.code", read_only=True, allow_null=True)

    class Meta:
        model = OfficerProfile
        fields = ["id", "username", "name", "level", "county", "expertise", "max_load", "load", "active"]


class AssignmentQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    officer = serializers.IntegerField(required=False, min_value=1)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class AssignmentSerializer(_FirmFields, serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.name", read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True)
    ended_by = serializers.CharField(source="ended_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "credit_code", "name", "county", "officer", "officer_name", "source", "reason", "started_at",
                  "assigned_by", "ended_at", "ended_by", "end_reason", "run"]  # fmt: skip


class AssignmentCreateSerializer(serializers.Serializer):
    credit_code = serializers.RegexField(CREDIT_CODE)
    officer = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AutoAssignSerializer(serializers.Serializer):
    include_key_list = serializers.BooleanField(required=False, default=False)


class AssignmentRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)

    class Meta:
        model = AssignmentRun
        fields = ["id", "status", "requested_by", "requested_at", "include_key_list", "released_from", "targets",
                  "assigned", "uncovered", "report", "error", "finished_at", "duration_s"]  # fmt: skip


class ServiceLogQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    credit_code = serializers.RegexField(CREDIT_CODE, required=False)
    officer = serializers.IntegerField(required=False, min_value=1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        low, high = attrs.get("date_from"), attrs.get("date_to")
        if low and high and low > high:
            raise serializers.ValidationError(_("date_from is after date_to."))
        return attrs


class ServiceLogSerializer(_FirmFields, serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.name", read_only=True)

    class Meta:
        model = ServiceLog
        fields = ["id", "credit_code", "name", "county", "officer", "officer_name", "served_on", "kind",
                  "duration_minutes", "what_done", "problems", "follow_up", "follow_up_on", "created_at"]  # fmt: skip


class RaisedDemandSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=DemandCategory.choices)
    urgency = serializers.ChoiceField(choices=DemandUrgency.choices, default=DemandUrgency.NORMAL)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ServiceLogCreateSerializer(serializers.Serializer):
    credit_code = serializers.RegexField(CREDIT_CODE)
    served_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    what_done = serializers.CharField(max_length=5000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    follow_up = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)
    demand = RaisedDemandSerializer(required=False, allow_null=True, default=None,
                                    help_text=_("File the problems raised as a demand of the firm."))  # fmt: skip


class DemandQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    credit_code = serializers.RegexField(CREDIT_CODE, required=False)
    status = serializers.MultipleChoiceField(choices=DemandStatus.choices, required=False)
    open = serializers.BooleanField(required=False, default=False)
    category = serializers.ChoiceField(choices=DemandCategory.choices, required=False)
    urgency = serializers.ChoiceField(choices=DemandUrgency.choices, required=False)


class DemandSerializer(_FirmFields, serializers.ModelSerializer):
    filed_by = serializers.CharField(source="filed_by.username", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True, allow_null=True)

    class Meta:
        model = Demand
        fields = ["id", "credit_code", "name", "county", "category", "urgency", "title", "description", "field",
                  "status", "green_channel", "source_log", "filed_by", "filed_at", "owner", "visit_on",
                  "visit_participants", "outcome", "closed_at"]  # fmt: skip


class DemandEventSerializer(serializers.ModelSerializer):
    # The API keeps its names from before the events took the transition-event shape (from_state, to_state, note).
    from_status = serializers.ChoiceField(source="from_state", choices=DemandStatus.choices, allow_blank=True,
                                          required=False, label=capfirst(_("from")))  # fmt: skip
    to_status = serializers.ChoiceField(source="to_state", choices=DemandStatus.choices, label=capfirst(_("to")))
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = DemandEvent
        fields = ["from_status", "to_status", "data", "actor", "at"]
        read_only_fields = ["at"]

    def to_representation(self, event):
        """The actor's note is given inside `data`, where the API has always carried it (first, as PostgreSQL
        ordered it there: the shortest key)."""
        row = super().to_representation(event)
        if event.note:
            row["data"] = {"note": event.note, **row["data"]}
        return row


class ProviderMatchSerializer(serializers.Serializer):
    credit_code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())


class DemandDetailSerializer(DemandSerializer):
    events = DemandEventSerializer(many=True, read_only=True, source="event_list")
    providers = ProviderMatchSerializer(many=True, read_only=True, source="provider_list")
    allowed_transitions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "events", "providers", "allowed_transitions"]


class DemandCreateSerializer(serializers.Serializer):
    credit_code = serializers.RegexField(CREDIT_CODE)
    category = serializers.ChoiceField(choices=DemandCategory.choices)
    urgency = serializers.ChoiceField(choices=DemandUrgency.choices, default=DemandUrgency.NORMAL)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    field = serializers.ChoiceField(choices=HighTechField.choices, required=False, allow_blank=True, default="")


class DemandTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=DemandStatus.choices)
    urgency = serializers.ChoiceField(choices=DemandUrgency.choices, required=False)
    green_channel = serializers.BooleanField(required=False, default=False)
    owner = serializers.IntegerField(required=False, min_value=1, help_text=_("User id of the new owner"))
    visit_on = serializers.DateField(required=False)
    participants = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CoverageCountySerializer(serializers.Serializer):
    county = serializers.CharField()
    county_name = serializers.CharField()
    innovative = serializers.IntegerField()
    covered = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    services = serializers.IntegerField()
    overdue = serializers.IntegerField()
    open_demands = serializers.IntegerField()
    oldest_demand_days = serializers.IntegerField(allow_null=True)
    average_demand_days = serializers.FloatField(allow_null=True)


class CoverageTotalSerializer(serializers.Serializer):
    innovative = serializers.IntegerField()
    covered = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    services = serializers.IntegerField()
    overdue = serializers.IntegerField()
    open_demands = serializers.IntegerField()
    oldest_demand_days = serializers.IntegerField(allow_null=True)


class CoverageOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    county = serializers.CharField()
    active = serializers.BooleanField()
    firms = serializers.IntegerField()
    max_load = serializers.IntegerField()
    services = serializers.IntegerField()
    overdue = serializers.IntegerField()
    open_demands = serializers.IntegerField()
    oldest_demand_days = serializers.IntegerField(allow_null=True)
    average_demand_days = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer):
    no_service_days = serializers.IntegerField()
    counties = CoverageCountySerializer(many=True)
    total = CoverageTotalSerializer()
    officers = CoverageOfficerSerializer(many=True)


class CoverageQuerySerializer(serializers.Serializer):
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("Officers of this county only"))
