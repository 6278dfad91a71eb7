"""Words for the officers module's codes, shared by pages and the API."""

from django.utils.translation import gettext_lazy as _

from officers.matching import REASON_NO_OFFICER, REASON_NO_ROOM

REASON_TEXTS = {
    REASON_NO_OFFICER: _("No active officer in this county, and no city-level officer with room."),
    REASON_NO_ROOM: _("Every officer of this county, and every city-level officer, is at their maximum load."),
}
