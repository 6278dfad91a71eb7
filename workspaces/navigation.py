"""The portal's menu, in one place: its groups and their entries, each entry naming its page and the permission of
the app that owns the page. base.html renders `menu_for(user)` through `workspaces.context_processors.navigation`.

No predicate here reads the database (they look at the role, the county and the firm the authentication backend
loads with the user), so the menu costs no query on any page. A group whose entries are all denied is left out, and
a group of one entry is a plain link: at most six top-level items per role."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.permissions import is_active_user, may_open_admin_site, needs_second_factor
from audit.permissions import may_see_access_log
from cultivation.permissions import may_see_board, may_see_warning_list
from dashboards.permissions import may_see_dashboard
from enterprises.permissions import can_import, can_resolve_conflicts, has_own_enterprise, lists_many_enterprises
from firm_accounts.permissions import may_review_requests
from ip.permissions import may_see_patent_overview
from officers.permissions import may_see_coverage, may_see_demands, may_see_my_firms, may_see_officer_list
from policies.permissions import may_see_events, may_see_notices, may_see_policies
from quality.permissions import may_see_quality
from reports.permissions import may_open_windows, may_report, reviews_reports
from scoring.permissions import may_see_runs
from vouchers.permissions import (
    can_claim,
    may_list_claims,
    may_see_vouchers,
    reviews_vouchers,
    sees_city_voucher_pages,
)

MAX_GROUPS = 6


@dataclass(frozen=True)
class Entry:
    """A page of the menu. `element_id` is the link's id (tests find the links by it); `url_kwargs` gives the
    arguments of a page that belongs to the user (their firm's)."""

    element_id: str
    url_name: str
    label: str
    allowed: Callable[..., bool]
    url_kwargs: Callable[..., dict] | None = None
    icon: str = ""

    def url_for(self, user) -> str:
        return reverse(self.url_name, kwargs=self.url_kwargs(user) if self.url_kwargs else None)


@dataclass(frozen=True)
class Group:
    """A top-level item. `namespaces`: the URL namespaces whose other pages (a firm's page, a claim) belong to the
    group, so that it shows as the current one there too."""

    key: str
    label: str
    icon: str
    entries: tuple[Entry, ...]
    namespaces: tuple[str, ...] = ()


def _own_enterprise(user) -> dict:
    return {"credit_code": user.enterprise.credit_code}


GROUPS = (
    Group(
        "home", pgettext_lazy("menu", "Workspace"), "house",
        (Entry("nav-home", "home", _("Home"), is_active_user),),
        namespaces=("workspaces",),
    ),
    Group(
        "firms", pgettext_lazy("menu", "Firms"), "building",
        (
            Entry("nav-enterprises", "enterprises:list", _("Enterprise directory"), lists_many_enterprises),
            Entry("nav-own-enterprise", "enterprises:detail", _("Our enterprise"), has_own_enterprise,
                  url_kwargs=_own_enterprise),
            Entry("nav-my-report", "reports:mine", _("My yearly report"), may_report),
            Entry("nav-report-review", "reports:review-list", _("Yearly report review"), reviews_reports),
            Entry("nav-report-windows", "reports:windows", _("Yearly report windows"), may_open_windows),
            Entry("nav-ip", "ip:overview", _("Patents"), may_see_patent_overview),
            Entry("nav-import", "enterprises:import", _("Import data"), can_import),
            Entry("nav-conflicts", "enterprises:conflicts", _("Conflicts between sources"), can_resolve_conflicts),
            Entry("nav-accounts", "firm_accounts:requests", _("Enterprise accounts"), may_review_requests),
        ),
        namespaces=("enterprises", "ip", "firm_accounts", "reports"),
    ),
    Group(
        "cultivation", pgettext_lazy("menu", "Cultivation"), "graph-up-arrow",
        (
            Entry("nav-board", "cultivation:board", _("Tier board"), may_see_board),
            Entry("nav-campaigns", "cultivation:campaigns", _("High-tech campaigns"), may_see_board),
            Entry("nav-warnings", "cultivation:warnings", _("Early warnings"), may_see_warning_list),
            Entry("nav-runs", "scoring:runs", _("Scoring runs"), may_see_runs),
        ),
        namespaces=("cultivation", "scoring"),
    ),
    Group(
        "services", pgettext_lazy("menu", "Services"), "people",
        (
            Entry("nav-my-firms", "officers:my-firms", _("My firms"), may_see_my_firms),
            Entry("nav-officers", "officers:list", _("Officers"), may_see_officer_list),
            Entry("nav-demands", "officers:demands", _("Demands"), may_see_demands),
            Entry("nav-policies", "policies:list", _("Policy library"), may_see_policies),
            Entry("nav-notices", "policies:notices", _("Notices"), may_see_notices),
            Entry("nav-events", "policies:events", _("Briefings and training"), may_see_events),
        ),
        namespaces=("officers", "policies"),
    ),
    Group(
        "vouchers", pgettext_lazy("menu", "Vouchers"), "ticket-perforated",
        (
            Entry("nav-my-claims", "vouchers:my-claims", _("My claims"), can_claim),
            Entry("nav-claim-new", "vouchers:claim-new", _("New claim"), can_claim),
            Entry("nav-voucher-queue", "vouchers:queue", _("Review queue"), reviews_vouchers),
            Entry("nav-voucher-claims", "vouchers:claims", _("All claims"), may_list_claims),
            Entry("nav-voucher-publicity", "vouchers:publicity", _("Public notice and payment"),
                  sees_city_voucher_pages),
            Entry("nav-voucher-policies", "vouchers:policies", _("Policies"), sees_city_voucher_pages),
            Entry("nav-voucher-providers", "vouchers:providers", _("Provider registry"), may_see_vouchers),
        ),
        namespaces=("vouchers",),
    ),
    Group(
        "stats", pgettext_lazy("menu", "Statistics"), "bar-chart",
        (
            Entry("nav-dashboard", "dashboards:dashboard", _("Dashboard"), may_see_dashboard),
            Entry("nav-coverage", "officers:coverage", _("Officer coverage"), may_see_coverage),
            Entry("nav-quality", "quality:overview", _("Data quality"), may_see_quality),
        ),
        namespaces=("dashboards", "quality"),
    ),
)  # fmt: skip

# The account menu at the right, beside the bell and the language switch (logging out is a form of its own).
ACCOUNT_ENTRIES = (
    Entry("nav-password", "password_change", _("Change password"), is_active_user, icon="key"),
    Entry(
        "nav-notification-settings", "notifications:settings", _("Notification settings"), is_active_user, icon="bell"
    ),
    Entry("nav-second-factor", "second_factor_setup", _("Authenticator app"), needs_second_factor, icon="key"),
    Entry("nav-api-docs", "api-docs", _("API"), is_active_user, icon="braces"),
    Entry("nav-access-log", "audit:access-log", _("Access log"), may_see_access_log, icon="journal-text"),
    Entry("nav-admin", "admin:index", _("Admin site"), may_open_admin_site, icon="gear"),
)


@dataclass(frozen=True)
class MenuLink:
    element_id: str
    label: str
    url: str
    active: bool = False
    icon: str = ""


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str
    icon: str
    links: tuple[MenuLink, ...]
    active: bool = False

    @property
    def element_id(self) -> str:
        return f"nav-group-{self.key}"

    @property
    def single(self) -> MenuLink | None:
        """The one link of a group that has only one: shown as a plain link, not a dropdown."""
        return self.links[0] if len(self.links) == 1 else None


def _links(entries, user, view_name: str) -> tuple[MenuLink, ...]:
    return tuple(
        MenuLink(entry.element_id, entry.label, entry.url_for(user), entry.url_name == view_name, entry.icon)
        for entry in entries
        if entry.allowed(user)
    )


def menu_for(user, *, view_name: str = "", namespace: str = "") -> list[MenuGroup]:
    """The groups `user` sees, in order; the current one is the group holding the page `view_name`
    ("namespace:name" as resolved), else the group owning its `namespace`."""
    if not is_active_user(user):
        return []
    shown = [(group, links) for group in GROUPS if (links := _links(group.entries, user, view_name))]
    current = next((group.key for group, links in shown if any(link.active for link in links)), None)
    if current is None and namespace:
        current = next((group.key for group, _ in shown if namespace in group.namespaces), None)
    return [MenuGroup(group.key, group.label, group.icon, links, active=group.key == current) for group, links in shown]


def account_menu_for(user, *, view_name: str = "") -> tuple[MenuLink, ...]:
    """The account menu's links `user` may follow."""
    if not is_active_user(user):
        return ()
    return _links(ACCOUNT_ENTRIES, user, view_name)
