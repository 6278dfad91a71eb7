from django.contrib import admin

from scoring.models import ScoringChunk, ScoringRun, ScoringSettings


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(admin.ModelAdmin):
    """The city administrator picks the rule-set version the nightly run applies."""

    list_display = ["ruleset_year", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ScoringSettings.objects.exists()


class ScoringChunkInline(admin.TabularInline):
    model = ScoringChunk
    extra = 0
    can_delete = False
    readonly_fields = ["number", "first_id", "last_id", "status", "firms", "duration_s", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScoringRun)
class ScoringRunAdmin(admin.ModelAdmin):
    list_display = [
        "run_date",
        "status",
        "ruleset_year",
        "forced",
        "firms_scored",
        "chunks_done",
        "duration_s",
        "requeues",
    ]
    list_filter = ["status", "ruleset_year", "forced"]
    readonly_fields = [field.name for field in ScoringRun._meta.fields]
    inlines = [ScoringChunkInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
