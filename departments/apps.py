from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Department lists")

    def ready(self):
        # Each department's list is one more kind of the registry's importer, its columns read from its profile.
        from departments.lists import DEPARTMENT_IMPORT_KINDS
        from enterprises.importing.kinds import register

        for kind in DEPARTMENT_IMPORT_KINDS:
            register(kind)
