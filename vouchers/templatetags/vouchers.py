from django import template

from vouchers import permissions
from vouchers.models import PUBLIC_STATUS_LABELS

register = template.Library()

register.filter("can_claim", permissions.can_claim)
register.filter("reviews_vouchers", permissions.reviews_vouchers)
register.filter("sees_city_voucher_pages", permissions.sees_city_voucher_pages)


@register.filter
def public_label(status: str):
    """A status as the firm reads it."""
    return PUBLIC_STATUS_LABELS.get(status, status)
