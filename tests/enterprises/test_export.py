"""Exports of the filtered list (page and API): scoped like the list, in the import template's columns, safe to open
in a spreadsheet, a constant number of queries, and importable again without changes."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from knox.models import AuthToken

from accounts.models import Role
from enterprises.importing import workbooks
from enterprises.importing.views import XLSX
from enterprises.models import ImportJob
from tests import factories
from tests.data.make_corpus import YEAR, csv_text, firm_code, firm_name

EXPORT_URL = reverse("enterprises:export")
API_EXPORT_URL = "/api/v1/enterprises/export/"
FORMATS = ["xlsx", "csv"]
# Session, user, the firms, their figures, the access log's row.
EXPORT_QUERIES = 5


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _table(response, file_format: str) -> list[list]:
    """The export's rows, header first (csv cells as text, xlsx cells with their types)."""
    assert response.status_code == 200, _content(response)[:500]
    content = _content(response)
    if file_format == "csv":
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert response["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def _codes(table: list[list]) -> list[str]:
    return [row[0] for row in table[1:]]


def _template_headers(kind: str = "enterprises") -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(workbooks.template_workbook(kind)), read_only=True).worksheets[0]
    return list(next(sheet.iter_rows(values_only=True)))


# --- Scope and filters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_export_county_staff_contains_only_own_county(client, make_user, two_counties, file_format):
    client.force_login(make_user(Role.CITY_STAFF))
    everything = _codes(_table(client.get(EXPORT_URL, {"file_format": file_format}), file_format))
    assert len(everything) == 7  # the other county's firms exist and could leak

    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    table = _table(client.get(EXPORT_URL, {"file_format": file_format}), file_format)

    assert sorted(_codes(table)) == sorted(e.credit_code for e in two_counties["home"])
    assert {row[2] for row in table[1:]} == {"新华区"}


def test_export_county_staff_cannot_ask_for_another_county(client, make_user, two_counties):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))

    response = client.get(EXPORT_URL, {"county": "410482", "file_format": "csv"})

    assert response.status_code == 400
    assert two_counties["away"][0].credit_code.encode() not in _content(response)


@pytest.mark.parametrize("file_format", FORMATS)
def test_export_follows_the_list_filters(client, make_user, two_counties, file_format):
    client.force_login(make_user(Role.CITY_STAFF))
    away = two_counties["away"]

    by_county = _table(client.get(EXPORT_URL, {"county": "410482", "file_format": file_format}), file_format)
    by_name = _table(client.get(EXPORT_URL, {"q": away[1].name, "file_format": file_format}), file_format)

    assert sorted(_codes(by_county)) == sorted(e.credit_code for e in away)
    assert _codes(by_name) == [away[1].credit_code]


def test_export_is_in_the_list_order(client, make_user, two_counties):
    client.force_login(make_user(Role.CITY_STAFF))

    table = _table(client.get(EXPORT_URL, {"file_format": "csv", "ordering": "-name"}), "csv")

    names = [row[1] for row in table[1:]]
    assert names == sorted(names, reverse=True)


def test_export_leader_may_export_everything(client, make_user, two_counties):
    client.force_login(make_user(Role.LEADER))

    table = _table(client.get(EXPORT_URL, {"file_format": "csv"}), "csv")

    assert len(_codes(table)) == 7


def test_export_enterprise_user_gets_only_own_firm(client, make_user, two_counties):
    own = two_counties["home"][1]
    client.force_login(make_user(Role.ENTERPRISE, enterprise=own))

    for file_format in FORMATS:
        table = _table(client.get(EXPORT_URL, {"file_format": file_format}), file_format)
        assert _codes(table) == [own.credit_code]


def test_export_officer_gets_no_firms(client, make_user, two_counties):
    client.force_login(make_user(Role.OFFICER))

    table = _table(client.get(EXPORT_URL, {"file_format": "csv"}), "csv")

    assert table == [_template_headers()]


def test_export_requires_login(client, two_counties):
    response = client.get(EXPORT_URL, {"file_format": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("params", [{"file_format": "pdf"}, {"year": "last"}])
def test_export_rejects_unknown_parameters(client, make_user, two_counties, params):
    client.force_login(make_user(Role.CITY_STAFF))

    assert client.get(EXPORT_URL, params).status_code == 400


# --- Years ---------------------------------------------------------------------------------------------------------


def test_export_year_latest_all_and_one(client, make_user):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2023, employees=50)
    factories.IndicatorFactory(enterprise=firm, year=2024, employees=60)
    no_figures = factories.EnterpriseFactory()
    client.force_login(make_user(Role.CITY_STAFF))
    year, employees = _template_headers().index("年度"), _template_headers().index("从业人员")

    def rows(**params):
        table = _table(client.get(EXPORT_URL, {"file_format": "csv", **params}), "csv")
        return sorted((row[0], row[year], row[employees]) for row in table[1:])

    assert rows() == sorted([(firm.credit_code, "2024", "60"), (no_figures.credit_code, "", "")])
    assert rows(year="all") == sorted(
        [(firm.credit_code, "2023", "50"), (firm.credit_code, "2024", "60"), (no_figures.credit_code, "", "")]
    )
    assert rows(year="2023") == sorted([(firm.credit_code, "2023", "50"), (no_figures.credit_code, "", "")])


# --- Format --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", FORMATS)
def test_export_headers_equal_the_template(client, make_user, two_counties, file_format):
    client.force_login(make_user(Role.CITY_STAFF))

    table = _table(client.get(EXPORT_URL, {"file_format": file_format}), file_format)

    assert table[0] == _template_headers()
    assert all(len(row) == len(table[0]) for row in table)


def test_export_csv_starts_with_a_utf8_bom(client, make_user, two_counties):
    client.force_login(make_user(Role.CITY_STAFF))

    response = client.get(EXPORT_URL, {"file_format": "csv"})

    content = _content(response)
    assert content.startswith(b"\xef\xbb\xbf")
    assert content[3:].decode("utf-8").startswith("统一社会信用代码,企业名称,")
    assert "attachment" in response["Content-Disposition"]


def test_export_money_is_in_wan_yuan(client, make_user):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=YEAR, revenue=Decimal("12345000.00"), rd_expense=Decimal("0"))
    client.force_login(make_user(Role.CITY_STAFF))
    headers = _template_headers()

    csv_row = _table(client.get(EXPORT_URL, {"file_format": "csv"}), "csv")[1]
    xlsx_row = _table(client.get(EXPORT_URL, {"file_format": "xlsx"}), "xlsx")[1]

    assert csv_row[headers.index("营业收入")] == "1234.5"
    assert csv_row[headers.index("研发费用")] == "0"
    assert xlsx_row[headers.index("营业收入")] == 1234.5
    assert xlsx_row[headers.index("年度")] == YEAR


DANGEROUS_NAMES = ['=HYPERLINK("http://example.com/x","点击")', "+1+2", "@SUM(A1:A9)", "-2+3科技"]


@pytest.mark.parametrize("file_format", FORMATS)
def test_export_neutralises_formula_injection(client, make_user, file_format):
    for name in DANGEROUS_NAMES:
        factories.EnterpriseFactory(name=name, contact_phone="+86 375 1234567")
    client.force_login(make_user(Role.CITY_STAFF))
    headers = _template_headers()

    table = _table(client.get(EXPORT_URL, {"file_format": file_format}), file_format)

    assert sorted(row[1] for row in table[1:]) == sorted("'" + name for name in DANGEROUS_NAMES)
    assert {row[headers.index("联系电话")] for row in table[1:]} == {"'+86 375 1234567"}
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(_content(client.get(EXPORT_URL, {"file_format": "xlsx"})))).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- Queries -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("firms", [3, 30])
@pytest.mark.parametrize("file_format", FORMATS)
def test_export_query_count_is_fixed(client, make_user, django_assert_num_queries, firms, file_format):
    for enterprise in factories.EnterpriseFactory.create_batch(firms):
        factories.IndicatorFactory(enterprise=enterprise, year=2023)
        factories.IndicatorFactory(enterprise=enterprise, year=2024)
        factories.QualificationFactory(enterprise=enterprise)
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))

    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(EXPORT_URL, {"file_format": file_format, "year": "all"})
        table = _table(response, file_format)

    assert len(table) == 1 + 2 * firms


# --- API -----------------------------------------------------------------------------------------------------------


def test_api_export_with_token(client, make_user, two_counties):
    user = make_user(Role.COUNTY_STAFF, county_code="410482")
    _instance, token = AuthToken.objects.create(user=user)

    response = client.get(API_EXPORT_URL, {"file_format": "csv"}, HTTP_AUTHORIZATION=f"Token {token}")

    table = _table(response, "csv")
    assert table[0] == _template_headers()
    assert sorted(_codes(table)) == sorted(e.credit_code for e in two_counties["away"])


def test_api_export_with_session_respects_filters(client, make_user, two_counties):
    client.force_login(make_user(Role.CITY_STAFF))
    home = two_counties["home"]

    xlsx = _table(client.get(API_EXPORT_URL, {"county": "410402"}), "xlsx")  # xlsx unless asked otherwise
    by_name = _table(client.get(API_EXPORT_URL, {"file_format": "csv", "q": home[2].name}), "csv")

    assert sorted(_codes(xlsx)) == sorted(e.credit_code for e in home)
    assert _codes(by_name) == [home[2].credit_code]


def test_api_export_refuses_anonymous_and_other_county_filter(client, make_user, two_counties):
    assert client.get(API_EXPORT_URL, {"file_format": "csv"}).status_code in (401, 403)

    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get(API_EXPORT_URL, {"file_format": "csv", "county": "410482"})

    assert response.status_code == 400
    assert two_counties["away"][0].credit_code.encode() not in _content(response)


# --- Round trip ----------------------------------------------------------------------------------------------------


@pytest.fixture
def imported_registry(run_import, run_commit, make_user):
    """A registry filled by imports (a good corpus file, then a second year for one of its firms) plus a firm whose
    name, address and phone look like formulas."""
    user = make_user(Role.CITY_STAFF)
    job = run_commit(run_import("good_enterprises.xlsx", user=user), user=user)
    assert job.status == ImportJob.Status.COMMITTED, job.issues_preview
    header = ["统一社会信用代码", "企业名称", "县区", "年度", "从业人员", "科技人员", "营业收入", "研发费用"]
    header.append("境内研发费用")
    row = [firm_code("410402", 11), firm_name(11), "", str(YEAR - 1), "280", "40", "2,900.75", "0.01", "0"]
    job = run_commit(run_import(csv_text(header, [row]).encode(), user=user), user=user)
    assert (job.status, job.new_rows) == (ImportJob.Status.COMMITTED, 1), job.issues_preview
    risky = factories.EnterpriseFactory(name="=1+2 科技", address="@总部", contact_phone="+86 375 7654321")
    factories.IndicatorFactory(enterprise=risky, year=YEAR, revenue=Decimal("12345678901.23"))
    return user


@pytest.mark.parametrize("file_format", FORMATS)
def test_export_then_reimport_changes_nothing(client, run_import, imported_registry, registry_fingerprint, file_format):
    user = imported_registry
    client.force_login(user)
    before = registry_fingerprint()
    content = _content(client.get(EXPORT_URL, {"file_format": file_format, "year": "all"}))

    job = run_import(content, user=user, file_name=f"export.{file_format}")

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert job.row_count == 4  # three firms, one of them with two years
    assert (job.new_firms, job.new_rows, job.updated_rows, job.unchanged_rows) == (0, 0, 0, 4)
    assert job.warning_count == 0
    assert registry_fingerprint() == before


@pytest.mark.parametrize("file_format", FORMATS)
def test_good_csv_import_export_reimport_changes_nothing(
    client, run_import, run_commit, make_user, registry_fingerprint, file_format
):
    """The issue's round trip, with the corpus's good csv (which has an industry code but no 行业名称 column)."""
    user = make_user(Role.CITY_STAFF)
    job = run_commit(run_import("good_enterprises.csv", user=user), user=user)
    assert job.status == ImportJob.Status.COMMITTED
    client.force_login(user)
    before = registry_fingerprint()
    content = _content(client.get(EXPORT_URL, {"file_format": file_format, "year": "all"}))

    job = run_import(content, user=user, file_name=f"export.{file_format}")

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert (job.row_count, job.new_rows, job.updated_rows, job.unchanged_rows) == (3, 0, 0, 3)
    assert registry_fingerprint() == before


def test_export_xlsx_round_trip_keeps_amounts_under_one_yuan(client, run_import, make_user, registry_fingerprint):
    """0.50 yuan is 0.00005 万元; the xlsx holds it as a number, which must read back as that number."""
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(
        enterprise=firm, year=YEAR, rd_expense=Decimal("0.50"), rd_expense_domestic=Decimal("0.50")
    )
    user = make_user(Role.CITY_STAFF)
    client.force_login(user)
    content = _content(client.get(EXPORT_URL, {"file_format": "xlsx", "year": "all"}))

    job = run_import(content, user=user, file_name="export.xlsx")

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert (job.new_rows, job.updated_rows, job.unchanged_rows) == (0, 0, 1)
