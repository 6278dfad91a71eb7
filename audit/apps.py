from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log: one append-only row for every export, download and look at a firm's contact details that
    a lower app announces through `core.access.record_access`."""

    name = "audit"
    verbose_name = _("Access log")

    def ready(self):
        from audit.services import access_event_create
        from core.access import access_recorded

        access_recorded.connect(access_event_create, dispatch_uid="audit.access_event_create")
