from django.contrib import admin

from dashboards.models import DashboardRefresh, DashboardTargets


@admin.register(DashboardTargets)
class DashboardTargetsAdmin(admin.ModelAdmin):
    list_display = ("year", "innovative", "high_tech", "high_tech_share", "province_high_tech_share", "rd_coverage",
                    "officer_coverage", "updated_by", "updated_at")  # fmt: skip
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DashboardRefresh)
class DashboardRefreshAdmin(admin.ModelAdmin):
    list_display = ("computed_at", "trigger", "as_of", "firms", "duration_s")
    readonly_fields = [field.name for field in DashboardRefresh._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
