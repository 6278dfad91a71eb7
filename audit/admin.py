from django.contrib import admin

from audit.models import AccessEvent
from core.admin import ReadOnlyAdmin


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """The access log as written: nothing is added, changed or deleted here (the page is /audit/)."""

    list_display = ["at", "actor", "kind", "what", "subject", "rows", "client_address"]
    list_filter = ["kind"]
    search_fields = ["what", "subject", "actor__username"]
    list_select_related = ["actor"]
