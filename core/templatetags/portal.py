"""Filters every page uses: money in 万元, percentages, sort links, minutes; icons."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import QueryDict
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

TEN_THOUSAND = Decimal(10000)


@register.filter
def wan(amount):
    """Yuan shown in 万元 with two decimals, as the bureau's statistics are read."""
    if amount is None or amount == "":
        return "—"
    return intcomma(f"{Decimal(amount) / TEN_THOUSAND:.2f}")


@register.filter
def percent(ratio, digits=1):
    if ratio is None:
        return "—"
    return f"{float(ratio) * 100:.{int(digits)}f}%"


@register.filter
def width_class(value) -> str:
    """A bar's width as a class (`w-pct-0` … `w-pct-100`, static/css/portal.css) from a percentage (0–100): the
    Content-Security-Policy refuses `style` attributes."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        number = 0
    return f"w-pct-{min(max(number, 0), 100)}"


@register.simple_tag
def sort_link(querystring, current, field):
    """The querystring that sorts by `field`, toggling direction when it is already the sort."""
    query = QueryDict(querystring, mutable=True)
    query["ordering"] = f"-{field}" if current == field else field
    query.pop("page", None)
    return query.urlencode()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes (at least one), for messages such as the login lockout."""
    return max(1, round(duration.total_seconds() / 60)) if duration else 1


@register.filter
def person(user) -> str:
    """A user as people read them: their name, else their username; a dash for nobody. Never a role suffix."""
    if user is None or user == "":
        return "—"
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return name or getattr(user, "username", "") or str(user)


@register.simple_tag
def icon(name):
    """A bootstrap-icons SVG from the sprite `make assets` builds (its ICONS list names those it holds), in the
    text's colour and size. Decorative: the link or button around it carries the words for screen readers."""
    return format_html(
        '<svg class="bi" width="1em" height="1em" fill="currentColor" aria-hidden="true">'
        '<use href="{}#{}"></use></svg>',
        static("vendor/icons.svg"), name,
    )  # fmt: skip
