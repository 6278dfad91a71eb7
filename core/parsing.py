"""Parsers of what services receive from forms, the API and spreadsheets: text, dates and money, each failing with
a ValidationError that names the field and says what is expected."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Amounts are stored with 2 decimals in columns of 14 digits.
MONEY_STEP = Decimal("0.01")
MONEY_LIMIT = Decimal("1e12")


def text(value, limit: int | None = None) -> str:
    """The value as stripped text ("" for None), cut to `limit` characters when given."""
    stripped = str(value or "").strip()
    return stripped[:limit] if limit else stripped


def date_or_none(value, *, field: str, label) -> datetime.date | None:
    """A date from a date or an ISO text (YYYY-MM-DD); None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("%(what)s: give a date as YYYY-MM-DD.") % {"what": label}}) from None


def required_date(value, *, field: str, label) -> datetime.date:
    """As `date_or_none`, but an empty value is an error too."""
    day = date_or_none(value, field=field, label=label)
    if day is None:
        raise ValidationError({field: _("%(what)s: give a date as YYYY-MM-DD.") % {"what": label}})
    return day


def money(value, *, field: str, label) -> Decimal | None:
    """A positive amount in yuan with at most two decimals (fen); None when empty."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(
            {field: _("%(what)s: give an amount in yuan, e.g. 120000.00.") % {"what": label}}
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("%(what)s must be more than zero.") % {"what": label}})
    if amount != amount.quantize(MONEY_STEP):
        raise ValidationError({field: _("%(what)s: at most two decimals (fen).") % {"what": label}})
    if amount >= MONEY_LIMIT:
        raise ValidationError({field: _("%(what)s is too large.") % {"what": label}})
    return amount
