from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city (`seed_demo`, `seed_officers`, `seed_history`): data only, seeded through the apps' models and
    services. It sits above every other app, and nothing of the portal imports it."""

    name = "demo"
    verbose_name = _("Demo data")
