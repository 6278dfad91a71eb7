from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from core.templatetags.portal import percent, wan
from dashboards.figures import Kind

register = template.Library()


@register.filter
def figure(value, kind):
    """A figure's value as leaders read it: counts with separators, shares in percent, money in 万元."""
    if value is None:
        return "—"
    if kind == Kind.SHARE:
        return percent(value)
    if kind == Kind.MONEY:
        return _("%(amount)s × 10k yuan") % {"amount": wan(value)}
    return intcomma(value)


@register.filter
def change(value, kind):
    """A change since last year, signed; a share's change in percentage points."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    magnitude = abs(Decimal(value))
    if kind == Kind.SHARE:
        return _("%(sign)s%(points)s pp") % {"sign": sign, "points": f"{magnitude * 100:.1f}"}
    if kind == Kind.MONEY:
        return f"{sign}{wan(magnitude)}"
    return f"{sign}{intcomma(int(magnitude))}"


@register.filter
def direction(value) -> str:
    """ "up", "down" or "" for a change (the arrow and colour of the comparison)."""
    if value is None or value == 0:
        return ""
    return "up" if value > 0 else "down"


@register.filter
def bar_width(progress) -> str:
    """A progress bar's width in percent (0–100) for a share of a target."""
    if progress is None:
        return "0"
    return f"{min(max(float(progress), 0.0), 1.0) * 100:.1f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
