from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_enterprise_user
from policies.models import RegistrationState
from policies.permissions import is_firm_user_of
from policies.selectors import (
    event_list,
    firm_event_history,
    firm_matches,
    notice_list,
)

register = template.Library()

HOME_NOTICES = 8
HOME_EVENTS = 5


@register.inclusion_tag("policies/_enterprise_home.html", takes_context=True)
def enterprise_home_panel(context, enterprise):
    """On a firm's page, which is its user's home (accounts.views.home_view opens it), for that user only: the
    policies it meets or nearly meets with their deadlines, its notices unread first, the events it is invited to
    (3 queries; none for staff)."""
    user = context["request"].user
    if not is_firm_user_of(user, enterprise):
        return {"show": False}
    notices = list(notice_list(user=user)[:HOME_NOTICES])
    return {
        "show": True,
        "enterprise": enterprise,
        "matches": firm_matches(user=user, enterprise=enterprise),
        "notices": notices,
        "unread": sum(1 for notice in notices if not notice.is_read),
        "events": list(event_list(user=user, upcoming=True)[:HOME_EVENTS]),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("policies/_event_history.html", takes_context=True)
def event_history(context, enterprise):
    """The firm's briefings and training (1 query); on the firm's page, whose selector already scoped the firm."""
    return {"registrations": firm_event_history(user=context["request"].user, enterprise=enterprise)}


@register.filter
def audience_text(item) -> str:
    """Who a notice or event is for, in words."""
    parts = [item.county.name if item.county_id else _("all counties")]
    if item.tier:
        parts.append(item.get_tier_display())
    if item.policy_id:
        if item.include_nearly:
            parts.append(_("meeting or nearly meeting “%(policy)s”") % {"policy": item.policy.title})
        else:
            parts.append(_("meeting “%(policy)s”") % {"policy": item.policy.title})
    return " · ".join(str(part) for part in parts)


@register.filter
def registration_state(state) -> str:
    return RegistrationState(state).label if state in RegistrationState.values else ""


@register.filter
def is_firm_user(user) -> bool:
    """A firm's own account: pages show it its firm's side (its status, its registration) instead of audiences."""
    return is_enterprise_user(user)
