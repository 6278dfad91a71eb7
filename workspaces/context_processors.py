"""What base.html needs on every page: the menu of the signed-in user (no query: see workspaces.navigation)."""

from django.utils.functional import SimpleLazyObject

from workspaces.navigation import account_menu_for, menu_for


def navigation(request) -> dict:
    """The menu's groups and the account menu, built only when a template reads them (partials and the bell's
    badge never do)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    namespace = match.namespace if match else ""
    return {
        "menu_groups": SimpleLazyObject(lambda: menu_for(user, view_name=view_name, namespace=namespace)),
        "account_menu": SimpleLazyObject(lambda: account_menu_for(user, view_name=view_name)),
    }
