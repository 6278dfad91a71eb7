from django import template

from firm_accounts.passwords import firm_accounts

register = template.Library()


@register.inclusion_tag("firm_accounts/_firm_accounts.html", takes_context=True)
def firm_accounts_panel(context, enterprise):
    """The firm's enterprise accounts, for staff who manage accounts in its county (one query; none for others)."""
    return {
        "accounts": firm_accounts(user=context["request"].user, enterprise=enterprise),
        "csrf_token": context.get("csrf_token"),
    }
