from django import template

from enterprises.permissions import can_import

register = template.Library()


@register.filter
def may_import(user) -> bool:
    return can_import(user)
