from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground every app stands on: base models, page and API helpers, input parsers, shared template tags.
    It imports no app of the portal."""

    name = "core"
    verbose_name = _("Core")
