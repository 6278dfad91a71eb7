from django import template

from ip import permissions

register = template.Library()


@register.filter
def may_see_patent_overview(user) -> bool:
    return permissions.may_see_patent_overview(user)
