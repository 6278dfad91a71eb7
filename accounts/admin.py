from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountBatch, AccountRequest, AccountRequestEvent, Role, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "county", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "county", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "enterprise__name"]
    list_select_related = ["county", "enterprise"]
    autocomplete_fields = ["enterprise"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Role and scope"), {"fields": ("role", "county", "enterprise", "is_active", "must_change_password")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role and scope"), {"fields": ("role", "county", "enterprise")}),
    )

    def save_model(self, request, obj, form, change):
        # Admin access follows the role; it is never granted by ticking a box.
        obj.is_staff = obj.is_superuser = obj.role == Role.CITY_ADMIN
        super().save_model(request, obj, form, change)


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
