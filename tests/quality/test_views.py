"""The data-quality page: its figures on a small constructed city, the scope of each role, the firms behind each
figure, the exports, and its pinned query counts."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from enterprises.selectors import figure_label
from quality.snapshots import quality_snapshot_compute
from scoring.needs import RUNG_BY_KEY
from tests.quality.conftest import ON

URL = reverse("quality:overview")


@pytest.fixture
def computed(quality_city):
    quality_snapshot_compute(on=ON)
    return quality_city


def _firms(client, criterion, **query) -> set[str]:
    response = client.get(reverse("quality:firms", args=[criterion]), query)
    assert response.status_code == 200, response.content[:200]
    return {row.enterprise.name for row in response.context["page"].object_list}


def _row(response, code):
    return next(row for row in response.context["overview"].rows if (row.county.code if row.county else None) == code)


def test_county_staff_see_their_county_only(client, make_user, computed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get(URL)
    rows = response.context["overview"].rows
    assert [row.county.code for row in rows] == ["410402"]  # no city total, no Ruzhou
    row = rows[0]
    assert (row.rungs["t1"].firms, row.rungs["t1"].complete) == (1, 0)  # Ruzhou's T1 firm is not counted
    assert (row.conflicts, row.conflict_firms) == (1, 1)
    assert "汝州" not in response.content.decode()
    assert client.get(URL, {"county": "410482"}).status_code == 404


def test_city_staff_see_a_row_per_county_and_the_citys_total(client, make_user, computed):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(URL)
    rows = response.context["overview"].rows
    assert len(rows) == 13 and rows[-1].county is None  # twelve counties, then the city
    total = rows[-1]
    assert (total.rungs["t1"].firms, total.rungs["t1"].missing, total.rungs["t1"].complete) == (2, 2, 0)
    assert (total.rungs["t2"].firms, total.rungs["t2"].complete, total.rungs["t2"].share) == (1, 1, 1.0)
    assert (total.conflicts, total.conflict_firms, total.left) == (3, 2, 1)
    ruzhou = _row(response, "410482")
    assert (ruzhou.conflicts, ruzhou.conflict_firms, ruzhou.unmatched, ruzhou.left) == (2, 1, 1, 0)
    # Any county opens.
    assert client.get(URL, {"county": "410482"}).context["overview"].rows[0].county.code == "410482"


def test_the_figures_of_one_county(client, make_user, computed):
    client.force_login(make_user(Role.LEADER))
    response = client.get(URL, {"county": "410402"})
    xinhua = response.context["overview"].rows[0]
    assert (xinhua.unmatched, xinhua.left) == (2, 1)  # signal and young in business unmatched; gone holds T3
    assert (xinhua.rungs["t3"].firms, xinhua.rungs["t3"].missing) == (1, 1)
    figures = {(row.rung.key, row.field): row.cell for row in response.context["overview"].figures["t1"]}
    assert (figures["t1", "st_personnel"].stale, figures["t1", "st_personnel"].missing) == (1, 0)
    assert figures["t1", "designs"].missing == 1 and figures["t1", "rd_expense"].complete == 1
    # The worst figures first.
    assert response.context["overview"].figures["t1"][0].cell.incomplete == 1
    text = response.content.decode()
    assert "2023–2025" in text  # the years a figure is read over
    assert 'data-link="conflict-page"' not in text  # leaders do not resolve conflicts: no link to that page


def test_links_lead_to_the_firms_behind_each_figure(client, make_user, computed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    page = client.get(URL).content.decode()
    for link in ("candidates", "incomplete", "missing", "stale", "conflicts", "unmatched", "left", "conflict-page"):
        assert f'data-link="{link}"' in page, link
    assert f"{reverse('enterprises:conflicts')}?county=410402" in page
    assert _firms(client, "incomplete", rung="t1", county="410402") == {"信号科技"}
    assert _firms(client, "candidates", rung="t2") == {"科小科技"}
    assert _firms(client, "missing", rung="t3", field="founded_on") == {"新创科技"}
    assert _firms(client, "missing", rung="t1", field="designs") == {"信号科技"}
    assert _firms(client, "stale", rung="t1", field="st_personnel") == {"信号科技"}
    assert _firms(client, "conflicts") == {"新创科技"}
    assert _firms(client, "unmatched") == {"信号科技", "新创科技"}
    assert _firms(client, "left") == {"迁出科技"}


def test_the_firm_list_names_its_criterion_and_each_firms_gaps(client, make_user, computed):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("quality:firms", args=["stale"]), {"rung": "t1", "field": "st_personnel"})
    text = response.content.decode()
    assert "2025-03-30" in text  # the day before which a report is out of date
    firm = response.context["page"].object_list[0]
    assert len(firm.missing) == 5 and len(firm.stale) == 1
    assert reverse("enterprises:detail", args=[computed["signal"].credit_code]) in text


def test_county_staff_firm_lists_do_not_leak(client, make_user, computed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert _firms(client, "candidates", rung="t1") == {"信号科技"}  # not Ruzhou's T1 firm
    assert _firms(client, "conflicts") == {"新创科技"}
    url = reverse("quality:firms", args=["conflicts"])
    assert client.get(url, {"county": "410482"}).status_code == 404
    assert client.get(url, {"county": "410482", "format": "xlsx"}).status_code == 404


@pytest.mark.parametrize(
    ("criterion", "query"),
    [("nothing", {}), ("missing", {"rung": "t1", "field": "founded_on"}), ("incomplete", {"rung": "t9"})],
)
def test_an_unknown_list_is_not_found(client, make_user, computed, criterion, query):
    client.force_login(make_user(Role.CITY_STAFF))
    assert client.get(reverse("quality:firms", args=[criterion]), query).status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENTERPRISE])
def test_officers_and_firms_have_no_data_quality_page(client, make_user, computed, role):
    enterprise = computed["sme"] if role == Role.ENTERPRISE else None
    client.force_login(make_user(role, enterprise=enterprise))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("quality:firms", args=["unmatched"])).status_code == 403


def test_the_page_before_any_snapshot_shows_the_open_conflicts(client, make_user, quality_city):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get(URL)
    assert 'id="no-snapshot"' in response.content.decode()
    assert response.context["overview"].rows[0].conflicts == 1
    assert _firms(client, "incomplete", rung="t1") == set()
    assert _firms(client, "conflicts") == {"新创科技"}


def test_the_page_answers_in_fixed_queries(client, make_user, computed, django_assert_num_queries):
    client.force_login(make_user(Role.CITY_STAFF))
    client.get(URL)
    # Session, user, counties, snapshot, its counts per rung and per county, open conflicts.
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(URL, {"county": "410402"}).status_code == 200


def test_a_firm_list_answers_in_fixed_queries(client, make_user, computed, django_assert_num_queries):
    client.force_login(make_user(Role.CITY_STAFF))
    # Session, user, counties, snapshot, count, page (firms, counties and tiers joined).
    with django_assert_num_queries(6):
        client.get(reverse("quality:firms", args=["incomplete"]), {"rung": "t1"})
    with django_assert_num_queries(6):
        client.get(reverse("quality:firms", args=["unmatched"]))


def _workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_the_pages_figures(client, make_user, computed):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    workbook = _workbook(client.get(reverse("quality:export")))
    needed, checks, by_figure = workbook.worksheets
    rows = list(needed.iter_rows(min_row=4, values_only=True))
    # County, then per rung: firms counted, complete, share.
    assert rows[1][:7] == ("新华区", 1, 0, 0, 1, 1, 1)
    assert list(checks.iter_rows(min_row=2, values_only=True)) == [("新华区", 1, 1, 2, 1)]
    figures = {(row[0], row[1]): row[2:] for row in by_figure.iter_rows(min_row=2, values_only=True)}
    with translation.override(settings.LANGUAGE_CODE):
        rung, figure = str(RUNG_BY_KEY["t1"].label), str(figure_label("st_personnel"))
    # Years, firms counted, missing, out of date, share complete.
    assert figures[rung, figure] == ("2025", 1, 0, 1, 0)


def test_the_firm_list_export_holds_its_firms(client, make_user, computed):
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("quality:firms", args=["missing"]), {"rung": "t3", "field": "founded_on",
                                                                       "format": "xlsx"})  # fmt: skip
    sheet = _workbook(response).worksheets[0]
    rows = list(sheet.values)
    with translation.override(settings.LANGUAGE_CODE):
        assert rows[1][:2] == (_("Scope"), _("Whole city"))
    [firm] = rows[4:]
    assert firm[:3] == ("新创科技", computed["young"].credit_code, "新华区")
    assert firm[4]  # the figure missing, in words
