from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Leaders' dashboards")

    def ready(self):
        # The apps below announce the changes that move a figure; the dashboards refresh once they commit.
        from core.signals import figures_changed
        from dashboards.scheduling import refresh_on_change

        figures_changed.connect(refresh_on_change, dispatch_uid="dashboards.refresh_on_change")
