from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from core.access import AccessKind, record_access
from core.admin import TransitionEventInline
from enterprises.forms import EnterpriseAdminForm, FieldPrecedenceForm
from enterprises.models import (
    Achievement,
    AnnualIndicator,
    Conflict,
    ConflictEvent,
    County,
    Enterprise,
    FieldPrecedence,
    ImportJob,
    ImportJobEvent,
    Qualification,
    SourceValue,
)
from enterprises.permissions import can_configure_precedence
from enterprises.provenance import staff_edit_record
from enterprises.resources import AnnualIndicatorResource, EnterpriseResource, QualificationResource


class LoggedExportAdmin(ImportExportModelAdmin):
    """django-import-export's admin export (its page and its list action), written to the access log."""

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        record_access(
            request=request,
            kind=AccessKind.EXPORT,
            what=format_lazy("{}: {}", _("Admin site export"), self.model._meta.verbose_name_plural),
            filters={_("Search"): request.GET.get("q", "")},
            rows=len(data),
        )
        return data


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


class IndicatorInline(admin.TabularInline):
    model = AnnualIndicator
    extra = 0


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0
    fields = ["kind", "title", "level", "role", "rank", "amount", "grade", "achieved_on", "valid_to", "reference"]


@admin.register(Enterprise)
class EnterpriseAdmin(LoggedExportAdmin):
    resource_classes = [EnterpriseResource]
    form = EnterpriseAdminForm
    list_display = [
        "credit_code",
        "name",
        "county",
        "industry_name",
        "high_tech_field",
        "credit_code_checked",
    ]
    list_filter = ["county", "high_tech_field", "credit_code_checked"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["county"]
    show_full_result_count = False
    inlines = [IndicatorInline, QualificationInline, AchievementInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        staff_edit_record(instance=obj, changed=form.changed_data, actor=request.user)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is AnnualIndicator:
            for inline_form in formset.forms:
                if inline_form.instance.pk and inline_form.has_changed():
                    staff_edit_record(
                        instance=inline_form.instance, changed=inline_form.changed_data, actor=request.user
                    )


@admin.register(AnnualIndicator)
class AnnualIndicatorAdmin(LoggedExportAdmin):
    resource_classes = [AnnualIndicatorResource]
    list_display = ["enterprise", "year", "employees", "revenue", "rd_expense"]
    list_filter = ["year"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        staff_edit_record(instance=obj, changed=form.changed_data, actor=request.user)


@admin.register(Qualification)
class QualificationAdmin(LoggedExportAdmin):
    resource_classes = [QualificationResource]
    list_display = ["enterprise", "kind", "number", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "number"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    show_full_result_count = False


class ImportJobEventInline(TransitionEventInline):
    model = ImportJobEvent


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "title", "level", "rank", "amount", "achieved_on", "valid_to"]
    list_filter = ["kind", "level"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "title", "reference"]
    date_hierarchy = "achieved_on"
    raw_id_fields = ["enterprise"]
    list_select_related = ["enterprise"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """The import log, read-only: imports happen on the staff page."""

    list_display = ["created_at", "created_by", "file_name", "kind", "status", "row_count", "error_count"]
    list_filter = ["status", "kind", "county"]
    search_fields = ["file_name", "file_sha256", "created_by__username"]
    list_select_related = ["created_by"]
    inlines = [ImportJobEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FieldPrecedence)
class FieldPrecedenceAdmin(admin.ModelAdmin):
    """Each figure's order of sources and tolerances: the city administrator's (the next night applies them)."""

    form = FieldPrecedenceForm
    fieldsets = [
        (None, {"fields": ["field", "place_0", "place_1", "place_2", "place_3"]}),
        (None, {"fields": ["abs_tolerance", "rel_tolerance", "updated_at", "updated_by"]}),
    ]
    list_display = ["field", "order", "abs_tolerance", "rel_tolerance", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return can_configure_precedence(request.user)

    def has_change_permission(self, request, obj=None):
        return can_configure_precedence(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_configure_precedence(request.user)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SourceValue)
class SourceValueAdmin(admin.ModelAdmin):
    """The observations, read-only: they are recorded by imports, edits and the departments' lists."""

    list_display = [
        "enterprise",
        "field",
        "year",
        "value",
        "value_date",
        "source_kind",
        "source_name",
        "as_of",
        "actor",
    ]
    list_filter = ["source_kind", "field"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "source_name", "document"]
    raw_id_fields = ["enterprise", "import_job", "actor"]
    list_select_related = ["enterprise", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConflictEventInline(TransitionEventInline):
    model = ConflictEvent


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """Conflicts, read-only: staff resolve them on their page (enterprises:conflicts)."""

    list_display = ["enterprise", "field", "year", "status", "created_at", "resolved_by"]
    list_filter = ["status", "field"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    raw_id_fields = ["enterprise", "winning", "other", "resolved_by"]
    list_select_related = ["enterprise", "resolved_by"]
    inlines = [ConflictEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
