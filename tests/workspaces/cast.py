"""The demo's users (demo.firms.DEMO_USERS: every role, with the demo's names) made for a test: officers with their
profile, firm users with a firm of their county, and this year's voucher policy open, so that every page of each
role's menu has something to answer with."""

from accounts.models import Role
from demo.firms import DEMO_USERS
from tests import factories
from tests.officers import factories as officer_factories
from tests.vouchers import factories as voucher_factories


def demo_cast() -> dict:
    """{username: user} for every demo user; the password is tests.factories.PASSWORD."""
    users = {}
    for demo in DEMO_USERS:
        if demo.account_role == Role.OFFICER:
            user = officer_factories.officer(county_code="410402", username=demo.username).user
        elif demo.account_role == Role.ENTERPRISE:
            firm = voucher_factories.eligible_firm(county_code=demo.county_code)
            user = factories.make_user(Role.ENTERPRISE, username=demo.username, enterprise=firm)
        else:
            user = factories.make_user(demo.account_role, username=demo.username, county_code=demo.county_code)
        user.first_name = demo.name
        user.save(update_fields=["first_name"])
        users[demo.username] = user
    voucher_factories.policy(actor=users["admin"])
    return users
