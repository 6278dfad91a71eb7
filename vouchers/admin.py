from django.contrib import admin

from vouchers.models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
