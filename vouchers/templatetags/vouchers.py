from django import template

from vouchers import selectors

register = template.Library()


@register.filter
def may_see_vouchers(user) -> bool:
    return selectors.may_see_vouchers(user)


@register.filter
def can_claim(user) -> bool:
    return selectors.can_claim(user)


@register.filter
def reviews_vouchers(user) -> bool:
    return selectors.reviewer_party(user) is not None


@register.filter
def sees_city_voucher_pages(user) -> bool:
    """City staff, administrators and leaders: the public notice and the policies."""
    return selectors.is_city_reviewer(user) or (user.is_authenticated and user.role == "leader")


@register.filter
def public_label(status: str):
    """A status as the firm reads it."""
    from vouchers.models import PUBLIC_STATUS_LABELS

    return PUBLIC_STATUS_LABELS.get(status, status)
