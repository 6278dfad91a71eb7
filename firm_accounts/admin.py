from django.contrib import admin

from firm_accounts.models import AccountBatch, AccountRequest, AccountRequestEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Requests change only through their transition function, batches and events never: the admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccountRequestEventInline(admin.TabularInline):
    model = AccountRequestEvent
    fields = ["at", "from_state", "to_state", "actor", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
