from django.urls import reverse

from accounts.models import Role
from reports.models import ReportStatus
from reports.selectors import progress_by_county
from reports.services import ReportInput, report_save
from reports.workflows import report_transition
from tests import factories
from tests.dashboards.conftest import refreshed, small_city  # noqa: F401  (shared fixtures)
from tests.dashboards.test_views import PAGE_QUERIES
from tests.reports.conftest import YEAR, portal_texts
from tests.workspaces.test_homes import HOME_QUERIES

# With a window: the window and the counts per county.
PROGRESS_QUERIES = 2


def _submit(world, firm, user):
    return report_save(
        window=world["window"],
        data=ReportInput(entered=portal_texts(firm), confirmed=True),
        submit=True,
        actor=user,
    )


def _progress_world(world):
    _submit(world, world["firm"], world["firm_user"])
    confirmed = _submit(world, world["neighbour"], world["neighbour_user"])
    report_transition(report=confirmed, to=ReportStatus.CONFIRMED, actor=world["county"])
    return world


def test_progress_counts_each_county(report_world):
    world = _progress_world(report_world)
    rows = {row.county.code: row for row in progress_by_county(user=world["city"], year=YEAR)}
    assert (rows["410402"].firms, rows["410402"].submitted, rows["410402"].confirmed) == (2, 1, 1)
    assert rows["410402"].not_submitted == 0 and rows["410402"].confirmed_share == "50%"
    assert (rows["410482"].firms, rows["410482"].submitted, rows["410482"].not_submitted) == (1, 0, 1)
    # County staff: their county only.
    assert [row.county.code for row in progress_by_county(user=world["county"], year=YEAR)] == ["410402"]


def test_county_home_shows_its_progress_with_a_pinned_query_count(client, report_world, django_assert_num_queries):
    world = _progress_world(report_world)
    client.force_login(world["county"])
    base = HOME_QUERIES["county"] - 1  # that pin counts the window query already
    with django_assert_num_queries(base + PROGRESS_QUERIES):
        html = client.get(reverse("home")).content.decode()
    assert 'id="report-progress"' in html
    assert 'data-county="410402"' in html and 'data-county="410482"' not in html


def test_dashboard_shows_progress_per_county(client, refreshed, report_world, django_assert_num_queries):  # noqa: F811
    world = _progress_world(report_world)
    client.force_login(factories.make_user(Role.LEADER))
    with django_assert_num_queries(PAGE_QUERIES + PROGRESS_QUERIES):
        html = client.get(reverse("dashboards:dashboard")).content.decode()
    assert 'data-county="410402"' in html and 'data-county="410482"' in html
    del world
