import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from enterprises.models import SourceKind
from enterprises.provenance import source_values_record
from reports.models import ReportWindow
from tests import factories

YEAR = 2025


@pytest.fixture
def report_world(db):
    return make_report_world()


def make_report_world() -> dict:
    """A window open today for YEAR; a firm of 新华区 with its user and figures, one of them (employees) from the
    statistics department; another firm of 新华区 and one of 汝州市 with users and reports-to-be, so that any scope
    test has data that could leak; county staff of both counties, city staff."""
    today = timezone.localdate()
    window = ReportWindow.objects.create(
        year=YEAR, opens_on=today - datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=20)
    )
    firm = factories.EnterpriseFactory(county=factories.county("410402"), founded_on=datetime.date(2015, 5, 1))
    factories.IndicatorFactory(enterprise=firm, year=YEAR)
    source_values_record(
        enterprise=firm,
        values={"employees": 120},
        year=YEAR,
        source_kind=SourceKind.DEPARTMENT,
        source_name="统计局名录",
        as_of=datetime.date(YEAR + 1, 3, 1),
        actor=None,
    )
    neighbour = factories.EnterpriseFactory(county=factories.county("410402"))
    factories.IndicatorFactory(enterprise=neighbour, year=YEAR)
    away = factories.EnterpriseFactory(county=factories.county("410482"))
    factories.IndicatorFactory(enterprise=away, year=YEAR)
    return {
        "window": window,
        "firm": firm,
        "neighbour": neighbour,
        "away": away,
        "firm_user": factories.make_user(Role.ENTERPRISE, enterprise=firm),
        "neighbour_user": factories.make_user(Role.ENTERPRISE, enterprise=neighbour),
        "away_user": factories.make_user(Role.ENTERPRISE, enterprise=away),
        "county": factories.make_user(Role.COUNTY_STAFF, county_code="410402"),
        "other_county": factories.make_user(Role.COUNTY_STAFF, county_code="410482"),
        "city": factories.make_user(Role.CITY_STAFF),
    }


def portal_texts(enterprise) -> dict[str, str]:
    """The form's texts as the portal pre-fills them (amounts in 万元)."""
    from reports.selectors import portal_values

    return {line.field: line.portal_text for line in portal_values(enterprise=enterprise, year=YEAR)}


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60
WAN = Decimal(10000)


@pytest.fixture
def client(client, settings):
    """Pages in English, so that tests match the messages whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
