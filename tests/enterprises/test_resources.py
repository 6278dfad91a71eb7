"""The admin's django-import-export resources: bulk mode, model-shaped columns, row errors instead of crashes."""

from decimal import Decimal

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.credit_codes import make_credit_code
from enterprises.models import AnnualIndicator, Enterprise
from enterprises.resources import AnnualIndicatorResource, EnterpriseResource
from tests.factories import EnterpriseFactory, county

pytestmark = pytest.mark.django_db

HEADERS = ["credit_code", "name", "county", "industry_code", "credit_code_checked"]


def _firms_dataset(codes: list[str]) -> tablib.Dataset:
    return tablib.Dataset(
        *[(code, f"资源导入测试{i}有限公司", "410402", "3411", "1") for i, code in enumerate(codes)], headers=HEADERS
    )


def test_enterprise_resource_creates_then_skips_unchanged_rows():
    county("410402")
    codes = [make_credit_code(f"91410402R{n:08d}") for n in range(3)]

    first = EnterpriseResource().import_data(_firms_dataset(codes), dry_run=False)
    second = EnterpriseResource().import_data(_firms_dataset(codes), dry_run=False)

    assert not first.has_errors() and not first.has_validation_errors()
    assert first.totals["new"] == 3
    assert Enterprise.objects.filter(credit_code__in=codes).count() == 3
    assert second.totals["new"] == 0 and second.totals["update"] == 0


def test_enterprise_resource_reports_a_bad_credit_code_on_its_row():
    county("410402")
    good = make_credit_code("91410402R00000010")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    result = EnterpriseResource().import_data(
        _firms_dataset([good, bad]), dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2
    assert "check character" in str(invalid.error_dict["credit_code"]).lower() or invalid.error_dict
    assert not Enterprise.objects.filter(credit_code__in=[good, bad]).exists()


def _indicator_import_queries(firms, year) -> int:
    dataset = tablib.Dataset(
        *[(firm.credit_code, year, 50, 5, "1000000.00", "50000.00", "40000.00") for firm in firms],
        headers=["enterprise", "year", "employees", "st_personnel", "revenue", "rd_expense", "rd_expense_domestic"],
    )
    with CaptureQueriesContext(connection) as captured:
        result = AnnualIndicatorResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    return len(captured.captured_queries)


def test_indicator_resource_takes_the_same_queries_for_any_number_of_rows():
    # Firms and existing rows are preloaded in one query each and written in one bulk insert: no query per row.
    few = _indicator_import_queries(EnterpriseFactory.create_batch(2), 2023)
    many = _indicator_import_queries(EnterpriseFactory.create_batch(12), 2024)

    assert few == many
    stored = AnnualIndicator.objects.filter(year=2024).first()
    assert stored.revenue == Decimal("1000000.00")
    assert stored.rd_expense_domestic == Decimal("40000.00")


def test_indicator_resource_rejects_st_personnel_above_employees():
    firm = EnterpriseFactory()
    dataset = tablib.Dataset(
        (firm.credit_code, 2024, 5, 9), headers=["enterprise", "year", "employees", "st_personnel"]
    )

    result = AnnualIndicatorResource().import_data(dataset, dry_run=False, rollback_on_validation_errors=True)

    assert result.has_validation_errors()
    assert "st_personnel" in result.invalid_rows[0].error_dict
    assert not AnnualIndicator.objects.filter(enterprise=firm).exists()
