from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

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


@register.simple_tag
def sort_link(querystring, current, field):
    """The querystring that sorts by `field`, toggling direction when it is already the sort."""
    from django.http import QueryDict

    query = QueryDict(querystring, mutable=True)
    query["ordering"] = f"-{field}" if current == field else field
    query.pop("page", None)
    return query.urlencode()


@register.filter
def minutes(duration):
    """A timedelta as whole minutes (at least one), for messages such as the login lockout."""
    return max(1, round(duration.total_seconds() / 60)) if duration else 1


@register.filter
def may_import(user) -> bool:
    from enterprises.importing.services import can_import

    return can_import(user)


@register.filter
def may_see_board(user) -> bool:
    from cultivation.selectors import may_see_board as allowed

    return allowed(user)


@register.filter
def may_review_accounts(user) -> bool:
    from accounts.requests import may_review_requests

    return may_review_requests(user)
