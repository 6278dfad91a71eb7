from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "officers"
    verbose_name = _("Chief tech service officers")

    def ready(self):
        # An officer sees the firms actively assigned to them: the scope rule is accounts.scoping's, the
        # assignments are ours.
        from accounts.scoping import register_active_assignments
        from officers.selectors import active_assignment_firms

        register_active_assignments(active_assignment_firms)

        # An assigned firm without service for too long is one of cultivation's nightly warnings.
        from cultivation.warning_registry import register_warning_rules
        from officers.warnings import NO_SERVICE

        register_warning_rules(NO_SERVICE)
