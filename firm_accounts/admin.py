from django.contrib import admin

from core.admin import ReadOnlyAdmin, TransitionEventInline
from firm_accounts.models import AccountBatch, AccountRequest, AccountRequestEvent


class AccountRequestEventInline(TransitionEventInline):
    model = AccountRequestEvent
    fields = ["at", "from_state", "to_state", "actor", "data"]


@admin.register(AccountRequest)
class AccountRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "submitted_at", "firm_name", "credit_code", "state", "decided_by", "decided_at"]
    list_filter = ["state"]
    search_fields = ["reference", "credit_code", "firm_name", "contact_person"]
    list_select_related = ["decided_by"]
    inlines = [AccountRequestEventInline]


@admin.register(AccountBatch)
class AccountBatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "created_by", "account_count"]
    list_select_related = ["created_by"]
