from django import template

from cultivation import permissions
from cultivation.forms import PinEndForm, PinForm
from cultivation.selectors import live_pin_for, movement_history, placement_for

register = template.Library()


@register.inclusion_tag("cultivation/_tier_panel.html", takes_context=True)
def tier_panel(context, enterprise):
    """The firm's tier, its live pin, its movements and, for staff in scope, the pin form (3 queries)."""
    user = context["request"].user
    pin = live_pin_for(user=user, enterprise=enterprise)
    allowed = permissions.can_pin(user, enterprise)
    return {
        "enterprise": enterprise,
        "placement": placement_for(user=user, enterprise=enterprise),
        "pin": pin,
        "movements": movement_history(user=user, enterprise=enterprise),
        "can_pin": allowed,
        "pin_form": PinForm() if allowed and pin is None else None,
        "end_form": PinEndForm() if allowed and pin is not None else None,
        "csrf_token": context.get("csrf_token"),
    }
