import pytest
from django.urls import reverse

from accounts.models import Role
from enterprises.models import QualificationKind
from tests import factories

# Session, user (with county), county choices, count, page, valid qualifications.
LIST_PAGE_QUERIES = 6
# Session, user, count, page, valid qualifications; a county filter adds one lookup of the chosen county.
API_LIST_QUERIES = 5


@pytest.fixture
def many_firms(db):
    county = factories.county("410402")
    firms = factories.EnterpriseFactory.create_batch(120, county=county)
    for enterprise in firms:
        factories.IndicatorFactory(enterprise=enterprise, year=2024)
        factories.IndicatorFactory(enterprise=enterprise, year=2025)
        factories.QualificationFactory(enterprise=enterprise, kind=QualificationKind.TECH_SME)
    return firms


@pytest.mark.parametrize("page_size", [25, 100])
def test_list_page_query_count_is_fixed(client, make_user, many_firms, django_assert_num_queries, page_size):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    with django_assert_num_queries(LIST_PAGE_QUERIES):
        response = client.get(reverse("enterprises:list"), {"page_size": page_size, "qualification": "tech_sme"})
    assert len(response.context["page"].object_list) == page_size


@pytest.mark.parametrize("page_size", [25, 100])
def test_api_list_query_count_is_fixed(client, make_user, many_firms, django_assert_num_queries, page_size):
    client.force_login(make_user(Role.CITY_STAFF))
    with django_assert_num_queries(API_LIST_QUERIES):
        response = client.get("/api/v1/enterprises/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    with django_assert_num_queries(API_LIST_QUERIES + 1):
        response = client.get("/api/v1/enterprises/", {"page_size": page_size, "county": "410402"})
    assert len(response.json()["results"]) == page_size


def test_home_page_query_count_is_fixed(client, make_user, many_firms, django_assert_num_queries):
    # City staff read their work and, below it, the overview (leaders land on the dashboard, whose count
    # tests/dashboards pins). Issue 19 added the work: tests/workspaces/test_homes.py pins each role's home.
    client.force_login(make_user(Role.CITY_STAFF))
    # Session, user, summary, open warnings, per-county table; the claims to review (2), the pins ending (2), the
    # campaign (1), the dashboards' refresh (none here).
    with django_assert_num_queries(5 + 6):
        assert client.get(reverse("home")).status_code == 200
