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
