from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("Innovation vouchers")

    def ready(self):
        from notifications.reminders import register_reminder_kinds
        from vouchers.reminders import VOUCHER_REMINDER_KINDS

        register_reminder_kinds(*VOUCHER_REMINDER_KINDS)
