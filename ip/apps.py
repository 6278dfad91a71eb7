from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IpConfig(AppConfig):
    name = "ip"
    verbose_name = _("Intellectual property")

    def ready(self):
        # The patent register is imported by the registry's importer, as one more kind.
        from enterprises.importing.kinds import register
        from ip.importing import PATENT_IMPORT_KIND

        register(PATENT_IMPORT_KIND)

        # The patent warnings, run by cultivation's nightly warnings after its own rules.
        from cultivation.warning_registry import register_warning_rules
        from ip.warnings import IP_WARNING_RULES

        register_warning_rules(*IP_WARNING_RULES)

        # A firm's register, once kept, gives its Class I / II counts to the scoring rules (ip/counts.py).
        from ip.counts import register_counts_sql
        from scoring.frames import register_ip_counts

        register_ip_counts(register_counts_sql)
