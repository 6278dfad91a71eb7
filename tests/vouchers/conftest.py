import pytest

from accounts.models import Role
from tests.vouchers import factories as voucher_factories


@pytest.fixture
def voucher_world(db, make_user):
    """A policy of this year; a firm in 新华区 with its user, another firm in 汝州市 with its user; county staff of
    both counties, city staff, city admin and a leader. Two counties so that scoping tests have data to leak."""
    admin = make_user(Role.CITY_ADMIN)
    policy = voucher_factories.policy(actor=admin)
    firm = voucher_factories.eligible_firm(county_code="410402")
    other = voucher_factories.eligible_firm(county_code="410482")
    return {
        "policy": policy,
        "firm": firm,
        "other_firm": other,
        "enterprise": voucher_factories.firm_user(firm),
        "other_enterprise": voucher_factories.firm_user(other),
        "county": make_user(Role.COUNTY_STAFF, county_code="410402"),
        "other_county": make_user(Role.COUNTY_STAFF, county_code="410482"),
        "city": make_user(Role.CITY_STAFF),
        "admin": admin,
        "leader": make_user(Role.LEADER),
    }


@pytest.fixture
def actors(voucher_world):
    return {"enterprise": voucher_world["enterprise"], "county": voucher_world["county"], "city": voucher_world["city"]}
