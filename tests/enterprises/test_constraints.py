from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from enterprises.models import INDICATOR_FIELDS, AnnualIndicator, Enterprise, Qualification
from tests import factories

pytestmark = pytest.mark.usefixtures("require_postgres")


def _insert_indicator(**overrides):
    enterprise = overrides.pop("enterprise", None) or factories.EnterpriseFactory()
    values = {"enterprise": enterprise, "year": 2025, "employees": 50, "st_personnel": 5} | overrides
    with transaction.atomic():
        AnnualIndicator.objects.create(**values)


def test_constraint_one_indicator_row_per_firm_and_year(db):
    enterprise = factories.EnterpriseFactory()
    _insert_indicator(enterprise=enterprise)
    with pytest.raises(IntegrityError, match="indicator_one_row_per_year"):
        _insert_indicator(enterprise=enterprise)


@pytest.mark.parametrize("field", INDICATOR_FIELDS)
def test_constraint_indicator_amounts_and_counts_not_negative(db, field):
    value = Decimal("-1") if AnnualIndicator._meta.get_field(field).get_internal_type() == "DecimalField" else -1
    # A negative total R&D or headcount also breaks "domestic <= total" / "S&T <= employees": either rule may fire.
    implied_by = {"rd_expense": "indicator_domestic_rd_within_rd", "employees": "indicator_st_within_staff"}
    expected = f"indicator_{field}_non_negative"
    if field in implied_by:
        expected = f"{expected}|{implied_by[field]}"
    with pytest.raises(IntegrityError, match=expected):
        _insert_indicator(**{field: value})


def test_constraint_st_personnel_within_employees(db):
    with pytest.raises(IntegrityError, match="indicator_st_within_staff"):
        _insert_indicator(employees=10, st_personnel=11)


def test_constraint_domestic_rd_within_rd(db):
    with pytest.raises(IntegrityError, match="indicator_domestic_rd_within_rd"):
        _insert_indicator(rd_expense=Decimal("100.00"), rd_expense_domestic=Decimal("100.01"))


def test_constraint_indicator_year_plausible(db):
    with pytest.raises(IntegrityError, match="indicator_year_plausible"):
        _insert_indicator(year=1900)


def test_constraint_credit_code_unique_and_well_formed(db):
    existing = factories.EnterpriseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(credit_code=existing.credit_code, name="重复", county=existing.county)
    with pytest.raises(IntegrityError, match="enterprise_credit_code_format"), transaction.atomic():
        Enterprise.objects.create(credit_code="91410402abc", name="坏代码", county=existing.county)


def test_constraint_qualification_valid_to_not_before_valid_from(db):
    qualification = factories.QualificationFactory.build(enterprise=factories.EnterpriseFactory())
    qualification.valid_to = qualification.valid_from.replace(year=qualification.valid_from.year - 1)
    with pytest.raises(IntegrityError, match="qualification_dates_ordered"), transaction.atomic():
        qualification.save()
    assert Qualification.objects.count() == 0


def test_constraint_county_staff_needs_county_and_enterprise_user_needs_firm(db):
    with pytest.raises(IntegrityError, match="user_county_staff_has_county"), transaction.atomic():
        User.objects.create(username="c", role=Role.COUNTY_STAFF)
    with pytest.raises(IntegrityError, match="user_enterprise_user_has_enterprise"), transaction.atomic():
        User.objects.create(username="e", role=Role.ENTERPRISE)
    with pytest.raises(IntegrityError, match="user_role_known"), transaction.atomic():
        User.objects.create(username="x", role="mayor")
