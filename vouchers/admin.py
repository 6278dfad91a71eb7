from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin import ReadOnlyAdmin, ReadOnlyInline, TransitionEventInline
from vouchers.models import (
    ClaimDocument,
    ClaimEvent,
    Provider,
    VoucherBudget,
    VoucherClaim,
    VoucherKind,
    VoucherPolicy,
    VoucherQuota,
)
from vouchers.services import policy_open, policy_update

POLICY_FIELDS = ["eligible_qualifications", "annual_cap", "city_budget", "claims_open_on", "claims_close_on",
                 "required_documents", "notes"]  # fmt: skip


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]


class VoucherKindInline(admin.TabularInline):
    model = VoucherKind
    extra = 0
    fields = ["position", "code", "name", "subsidy_ratio", "requires_provider", "active"]


@admin.register(VoucherPolicy)
class VoucherPolicyAdmin(admin.ModelAdmin):
    """Saved through the services, so that a new cap reaches the firms' quota rows and a budget its budget row."""

    list_display = ["year", "annual_cap", "city_budget", "claims_open_on", "claims_close_on", "updated_by"]
    fields = ["year", *POLICY_FIELDS]
    inlines = [VoucherKindInline]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in POLICY_FIELDS}
        try:
            if change:
                saved = policy_update(policy=obj, actor=request.user, **values)
            else:
                saved = policy_open(year=obj.year, actor=request.user, **values)
        except ValidationError as error:
            # The admin has no hook to refuse here with a form error; say why and keep the row as it was.
            self.message_user(request, "; ".join(error.messages), level=messages.ERROR)
            if not change:
                raise
            return
        obj.pk = saved.pk
        obj.refresh_from_db()


class ClaimEventInline(TransitionEventInline):
    model = ClaimEvent


class ClaimDocumentInline(ReadOnlyInline):
    model = ClaimDocument
    fields = ["kind", "invoice_number", "original_name", "content_type", "size", "uploaded_at"]


@admin.register(VoucherClaim)
class VoucherClaimAdmin(ReadOnlyAdmin):
    list_display = ["reference", "enterprise", "year", "kind", "subsidy_requested", "status", "updated_at"]
    list_filter = ["status", "year", "kind__code"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "contract_number"]
    list_select_related = ["enterprise", "kind"]
    inlines = [ClaimDocumentInline, ClaimEventInline]


@admin.register(VoucherQuota)
class VoucherQuotaAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "year", "cap", "committed", "updated_at"]
    list_filter = ["year"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(VoucherBudget)
class VoucherBudgetAdmin(ReadOnlyAdmin):
    list_display = ["year", "total", "committed", "updated_at"]
