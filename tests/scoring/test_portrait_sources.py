"""The portrait panel tags each figure the rules used with its source, for staff, at no extra query."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from enterprises.models import SourceKind
from enterprises.provenance import source_values_record
from tests.scoring.test_views import DETAIL_PAGE_QUERIES


@pytest.fixture
def sourced(city, run_scoring, make_user):
    firm = city["home"][2]
    staff = make_user(Role.CITY_STAFF, username="wang")
    staff.first_name = "王"
    staff.save()
    indicator = firm.indicators.get(year=2025)
    source_values_record(
        enterprise=firm,
        year=2025,
        values={"st_personnel": indicator.st_personnel, "employees": indicator.employees},
        source_kind=SourceKind.DEPARTMENT,
        source_name="Statistics bureau 107-1",
        as_of=datetime.date(2026, 3, 31),
        actor=None,
    )
    source_values_record(
        enterprise=firm,
        year=2025,
        values={"rd_expense": indicator.rd_expense},
        source_kind=SourceKind.SPREADSHEET,
        source_name="county sheet.xlsx",
        as_of=datetime.date(2026, 4, 2),
        actor=staff,
    )
    # An older year's observation, which the rules did not read as the latest year: no tag of its own.
    source_values_record(
        enterprise=firm,
        year=2023,
        values={"revenue": 1},
        source_kind=SourceKind.STAFF_EDIT,
        as_of=datetime.date(2024, 1, 1),
        actor=staff,
    )
    run_scoring()
    return firm


def test_portrait_rows_tag_their_figures_sources_in_the_same_queries(
    client, make_user, sourced, django_assert_num_queries
):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    with django_assert_num_queries(DETAIL_PAGE_QUERIES):  # unchanged: the tags reuse the page's sources
        html = client.get(reverse("enterprises:detail", args=[sourced.credit_code])).content.decode()
    portrait = html[html.index('id="portrait"') :]
    pattern = r'<a class="source-tag source-link" href="#([^"]+)" data-source="(\w+)" title="([^"]*)"'
    tags = re.findall(pattern, portrait)
    kinds = {(anchor, kind) for anchor, kind, _title in tags}
    # The SME part and the high-tech condition "S&T personnel / employees": both figures from the department list.
    assert ("source-st_personnel-2025", "department") in kinds
    # R&D: the spreadsheet, with the file, as-of day and who in the title.
    assert ("source-rd_expense-2025", "spreadsheet") in kinds
    title = next(title for anchor, kind, title in tags if kind == "spreadsheet")
    assert "county sheet.xlsx" in title and "2026-04-02" in title and "王" in title and "2025" in title
    department = next(title for anchor, kind, title in tags if kind == "department")
    assert "Statistics bureau 107-1" in department and "2026-03-31" in department
    assert "staff_edit" not in {kind for _anchor, kind, _title in tags}  # 2023 is not the year the rules read
    # Each link leads to the figure's history on the page.
    for anchor, _kind, _title in tags:
        assert f'id="{anchor}"' in html


def test_firm_users_see_no_source_tags_in_the_portrait(client, make_user, sourced):
    client.force_login(make_user(Role.ENTERPRISE, enterprise=sourced))
    html = client.get(reverse("enterprises:detail", args=[sourced.credit_code])).content.decode()
    assert 'id="portrait"' in html and "source-link" not in html
