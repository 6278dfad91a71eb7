"""Parsers of what services receive (core.parsing): each failure names the field and says what is expected."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.parsing import date_or_none, money, required_date, text


def test_text_strips_and_cuts():
    assert text("  华为  ") == "华为"
    assert text(None) == ""
    assert text("abcdef", 3) == "abc"


def test_dates_from_iso_text_or_dates():
    assert date_or_none("2026-03-01", field="on", label="Day") == datetime.date(2026, 3, 1)
    assert date_or_none(datetime.date(2026, 3, 1), field="on", label="Day") == datetime.date(2026, 3, 1)
    assert date_or_none("", field="on", label="Day") is None


@pytest.mark.parametrize("value", ["2026-13-01", "next week", "01/03/2026"])
def test_a_bad_date_names_its_field(value):
    with pytest.raises(ValidationError) as raised:
        date_or_none(value, field="visit_on", label="Visit date")
    assert list(raised.value.message_dict) == ["visit_on"]
    assert "Visit date" in raised.value.message_dict["visit_on"][0]


def test_a_required_date_refuses_an_empty_value():
    with pytest.raises(ValidationError) as raised:
        required_date("", field="issued_on", label="Issue date")
    assert list(raised.value.message_dict) == ["issued_on"]


def test_money_in_yuan_with_fen():
    assert money("120000.50", field="amount", label="Amount") == Decimal("120000.50")
    assert money("", field="amount", label="Amount") is None


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.234", "1e13", "NaN"])
def test_bad_money_names_its_field(value):
    with pytest.raises(ValidationError) as raised:
        money(value, field="amount", label="Amount")
    assert list(raised.value.message_dict) == ["amount"]
