"""Words for the officers module's codes, shared by pages and the API."""

from django.utils.translation import gettext_lazy as _

from officers.matching import REASON_NO_OFFICER, REASON_NO_ROOM
from officers.models import DemandCategory, DemandUrgency

REASON_TEXTS = {
    REASON_NO_OFFICER: _("No active officer in this county, and no city-level officer with room."),
    REASON_NO_ROOM: _("Every officer of this county, and every city-level officer, is at their maximum load."),
}


def _choice(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def demand_event_details(event, *, people: dict[int, str]) -> list[tuple[str, str]]:
    """What a demand's step recorded, as (label, words) pairs for its history: category and urgency by their
    names, the owner by name (`people`: user id → name), dates and participants as written, yes/no for flags."""
    data = event.data or {}
    details = []
    if data.get("category"):
        details.append((_("Category"), _choice(DemandCategory, data["category"])))
    if data.get("urgency"):
        details.append((_("Urgency"), _choice(DemandUrgency, data["urgency"])))
    if "green_channel" in data:
        details.append((_("Green channel"), _("Yes") if data["green_channel"] else _("No")))
    if data.get("source_log"):
        details.append((_("Raised in"), _("a service visit")))
    if data.get("owner"):
        details.append((_("Owner"), people.get(data["owner"], "—")))
    if data.get("visit_on"):
        details.append((_("Visit date"), data["visit_on"]))
    if data.get("participants"):
        details.append((_("Participants"), "、".join(data["participants"])))
    if data.get("outcome"):
        details.append((_("Outcome"), data["outcome"]))
    if data.get("reason"):
        details.append((_("Reason"), data["reason"]))
    if event.note:
        details.append((_("Note"), event.note))
    return [(str(label), str(text)) for label, text in details]
