from django.contrib import admin

from reports.models import ReportEvent, ReportValue, ReportWindow, YearlyReport


@admin.register(ReportWindow)
class ReportWindowAdmin(admin.ModelAdmin):
    list_display = ("year", "opens_on", "closes_on", "created_by")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    can_delete = False
    readonly_fields = ("field", "portal_value", "portal_date", "portal_source", "entered", "value", "value_date",
                       "corrected", "reason", "attachment_name")  # fmt: skip
    exclude = ("attachment", "attachment_type", "attachment_size", "portal_as_of")

    def has_add_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "actor", "at", "note")
    exclude = ("data",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(YearlyReport)
class YearlyReportAdmin(admin.ModelAdmin):
    """Reports move only through their workflow (the review page): the admin reads them."""

    list_display = ("enterprise", "year", "status", "submitted_at", "confirmed_at")
    list_filter = ("year", "status")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    list_select_related = ("enterprise",)
    inlines = (ReportValueInline, ReportEventInline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
