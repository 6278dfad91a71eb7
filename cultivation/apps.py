from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    name = "cultivation"
    verbose_name = _("Three-tier cultivation")

    def ready(self):
        # Our own warning rules first: the registry runs rules in the order registered (ip's and the officers'
        # follow from their apps).
        from cultivation.warning_registry import register_warning_rules
        from cultivation.warning_rules import CULTIVATION_WARNING_RULES

        register_warning_rules(*CULTIVATION_WARNING_RULES)

        from cultivation.reminders import CULTIVATION_REMINDER_KINDS
        from notifications.reminders import register_reminder_kinds

        register_reminder_kinds(*CULTIVATION_REMINDER_KINDS)
