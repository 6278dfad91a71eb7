from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.provenance import reconcile, registry_sources_backfill


class Command(BaseCommand):
    help = (
        "Give every registry value without a recorded source one 'staff spreadsheet' observation of its value, then "
        "reconcile. Once, after upgrading to sources of each value; running it again adds nothing."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            name = _("Registry before sources were recorded")
        added = registry_sources_backfill(source_name=name)
        result = reconcile()
        self.stdout.write(f"{added} observations recorded; reconciled: {result.as_dict()}")
