from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enterprises.models import HighTechField
from vouchers.models import (
    ClaimDocument,
    ClaimEvent,
    ClaimStatus,
    DocumentKind,
    Provider,
    ProviderKind,
    ProviderStatus,
    VoucherClaim,
    VoucherKind,
    VoucherPolicy,
)
from vouchers.permissions import reads_as_firm
from vouchers.workflows import allowed_moves

COUNTY_CODE = r"^\d{6}$"


class ClaimQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    county = serializers.RegexField(COUNTY_CODE, required=False, help_text=_("County code, e.g. 410402"))
    kind = serializers.SlugField(required=False, help_text=_("Voucher kind code, e.g. equipment"))
    q = serializers.CharField(required=False, max_length=100, help_text=_("Firm name, credit code or contract"))


class ClaimSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    county = serializers.CharField(source="enterprise.county.code", read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, allow_null=True, default=None)
    status_label = serializers.SerializerMethodField()
    public_status = serializers.CharField(read_only=True)

    class Meta:
        model = VoucherClaim
        fields = ["id", "reference", "year", "credit_code", "enterprise_name", "county", "kind", "kind_name",
                  "provider", "provider_name", "supplier_name", "contract_number", "contract_date",
                  "eligible_expense", "subsidy_requested", "status", "status_label", "public_status", "submitted_at",
                  "updated_at"]  # fmt: skip

    def get_status_label(self, claim) -> str:
        request = self.context.get("request")
        if request is not None and reads_as_firm(request.user):
            return str(claim.public_status)
        return str(ClaimStatus(claim.status).label)


class MoveResultSerializer(serializers.Serializer):
    """What a move answers: the claim's new status (kept small: submitting is the portal's busiest write)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    public_status = serializers.CharField()
    subsidy_requested = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)

    def get_status_label(self, claim) -> str:
        return ClaimSerializer.get_status_label(self, claim)


class ClaimCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())


class QueueClaimSerializer(ClaimSerializer):
    checks = ClaimCheckSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "checks"]


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimDocument
        fields = ["id", "kind", "invoice_number", "original_name", "content_type", "size", "sha256", "uploaded_at",
                  "url"]  # fmt: skip

    def get_url(self, document) -> str:
        from django.urls import reverse

        return reverse("vouchers:document", args=[document.pk])


class ClaimEventSerializer(serializers.ModelSerializer):
    # A step of the timeline, under the API's names: the event's from_state, to_state and note are its
    # from_status, to_status and comment (no docstring: it would show in the API schema).

    from_status = serializers.ChoiceField(
        source="from_state", choices=ClaimStatus.choices, allow_blank=True, required=False, label=_("from")
    )
    to_status = serializers.ChoiceField(source="to_state", choices=ClaimStatus.choices, label=_("to"))
    actor = serializers.CharField(source="actor.username", read_only=True)
    comment = serializers.CharField(source="note", allow_blank=True, required=False, label=_("comment"))

    class Meta:
        model = ClaimEvent
        fields = ["from_status", "to_status", "actor", "at", "comment"]


class ClaimDetailSerializer(ClaimSerializer):
    documents = DocumentSerializer(many=True, read_only=True, source="document_list")
    events = ClaimEventSerializer(many=True, read_only=True, source="event_list")
    checks = ClaimCheckSerializer(many=True, read_only=True, required=False)
    allowed_moves = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "description", "last_comment", "decided_at", "paid_at", "documents",
                  "events", "checks", "allowed_moves"]  # fmt: skip

    def get_allowed_moves(self, claim) -> list[str]:
        request = self.context.get("request")
        return allowed_moves(request.user, claim) if request is not None else []


class ClaimWriteSerializer(serializers.Serializer):
    """A draft's fields; every field may be left out of a PATCH. Amounts in yuan."""

    year = serializers.IntegerField(required=False, help_text=_("Policy year; on creation, default: this year"))
    kind = serializers.SlugField(required=False, help_text=_("Voucher kind code of the year's policy"))
    provider = serializers.IntegerField(required=False, allow_null=True, help_text=_("Registered provider id"))
    supplier_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contract_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contract_date = serializers.DateField(required=False, allow_null=True)
    eligible_expense = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    subsidy_requested = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ClaimStatus.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    invoice_number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    file = serializers.FileField(help_text=_("PDF, JPEG or PNG"))


class BulkTransitionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    to = serializers.ChoiceField(choices=[ClaimStatus.PUBLICITY, ClaimStatus.PAID])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class QuotaSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    cap = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)


class QuotaQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    credit_code = serializers.CharField(required=False, max_length=18, help_text=_("Staff: the firm (in scope)"))


class KindSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoucherKind
        fields = ["id", "code", "name", "subsidy_ratio", "requires_provider", "active", "position"]


class VoucherPolicySerializer(serializers.ModelSerializer):
    kinds = KindSerializer(many=True, read_only=True)

    class Meta:
        model = VoucherPolicy
        fields = ["year", "eligible_qualifications", "annual_cap", "city_budget", "claims_open_on",
                  "claims_close_on", "required_documents", "notes", "kinds", "updated_at"]  # fmt: skip


class ProviderSerializer(serializers.ModelSerializer):
    fields = serializers.ListField(child=serializers.ChoiceField(choices=HighTechField.choices), required=False)
    kind = serializers.ChoiceField(choices=ProviderKind.choices)
    status = serializers.ChoiceField(choices=ProviderStatus.choices, required=False)

    class Meta:
        model = Provider
        fields = ["id", "credit_code", "name", "kind", "status", "fields", "contact_person", "phone", "address",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["id", "updated_at"]
        # The service checks the code and its uniqueness, with the registry's messages.
        extra_kwargs = {"credit_code": {"validators": []}}


class ProviderQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
    kind = serializers.ChoiceField(choices=ProviderKind.choices, required=False)
    status = serializers.ChoiceField(choices=ProviderStatus.choices, required=False)
    field = serializers.ChoiceField(choices=HighTechField.choices, required=False)
