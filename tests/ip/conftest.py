import pytest

from accounts.models import Role


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture
def xinhua_user(make_user):
    return make_user(Role.COUNTY_STAFF, county_code="410402")
