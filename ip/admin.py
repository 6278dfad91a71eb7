from django.contrib import admin

from ip.models import Patent, PatentEvent


@admin.register(Patent)
class PatentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "enterprise", "legal_status", "high_value", "value_score"]
    list_filter = ["kind", "legal_status", "high_value"]
    search_fields = ["number", "title", "enterprise__name", "enterprise__credit_code"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["high_value", "high_value_reasons", "value_score", "evaluated_on"]


@admin.register(PatentEvent)
class PatentEventAdmin(admin.ModelAdmin):
    list_display = ["patent", "action", "actor", "at"]
    raw_id_fields = ["patent"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
