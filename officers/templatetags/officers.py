"""Template filters of the officers app: what the navigation shows a user, asked of officers.permissions."""

from django import template

from officers import permissions

register = template.Library()


@register.filter
def may_see_officers(user) -> bool:
    """The officers page: staff and leaders."""
    return permissions.may_see_officer_list(user)


@register.filter
def may_see_my_firms(user) -> bool:
    """The "my firms" page: officers."""
    return permissions.may_see_my_firms(user)
