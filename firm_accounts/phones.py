"""Contact phone numbers of firms: mainland China mobile or landline numbers, checked with phonenumbers."""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ACCEPTED_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


def validate_phone(raw: str) -> str:
    """The number in national format ("139 1234 5678", "0375 234 5678"), or ValidationError saying what is wrong."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if not text:
        raise ValidationError(_("Give a phone number."), code="empty")
    problem = _(
        "“%(value)s” is not a mainland China phone number: give a mobile number (11 digits, starting with 1) "
        "or a landline with its area code, such as 0375-2345678."
    ) % {"value": text}
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(problem, code="invalid") from None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationError(problem, code="invalid")
    if phonenumbers.number_type(number) not in ACCEPTED_TYPES:
        raise ValidationError(
            _("“%(value)s” is not a mobile or landline number (service numbers such as 400 are not accepted).")
            % {"value": text},
            code="type",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
