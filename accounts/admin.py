from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import opens_admin_site


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
        obj.is_staff = obj.is_superuser = opens_admin_site(obj)
        super().save_model(request, obj, form, change)
