from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    """Each role's home: where a user lands after logging in. It reads the apps below and owns no data."""

    name = "workspaces"
    verbose_name = _("Workspaces")
