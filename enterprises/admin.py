from django.contrib import admin

from enterprises.forms import EnterpriseAdminForm
from enterprises.models import AnnualIndicator, County, Enterprise, Qualification


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


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
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
    inlines = [IndicatorInline, QualificationInline]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "number", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "number"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    show_full_result_count = False
