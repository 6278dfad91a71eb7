from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirmAccountsConfig(AppConfig):
    name = "firm_accounts"
    verbose_name = _("Enterprise accounts")
