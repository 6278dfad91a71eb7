from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Yearly reports")

    def ready(self):
        from notifications.reminders import register_reminder_kinds
        from reports.reminders import REPORT_REMINDER_KINDS

        register_reminder_kinds(*REPORT_REMINDER_KINDS)
