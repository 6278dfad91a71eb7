"""Unified social credit codes (统一社会信用代码, GB 32100-2015), validated with python-stdnum."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_LENGTH = 18
DB_PATTERN = rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$"


def normalize_credit_code(raw: str) -> str:
    """Full-width characters to half-width, spaces and hyphens dropped, letters upper-cased."""
    return uscc.compact(unicodedata.normalize("NFKC", str(raw or "")))


def validate_credit_code(raw: str, *, allow_bad_check_character: bool = False) -> str:
    """Return the normalised code, or raise ValidationError saying exactly what is wrong.

    A code whose check character is wrong passes only with allow_bad_check_character: some early pilot
    codes fail the check legitimately, and staff may accept them explicitly.
    """
    code = normalize_credit_code(raw)
    if not code:
        raise ValidationError(_("The credit code is empty."), code="empty")
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise ValidationError(
            _("A credit code has %(expected)d characters; “%(code)s” has %(actual)d.")
            % {"expected": CODE_LENGTH, "code": code, "actual": len(code)},
            code="length",
        ) from None
    except InvalidFormat:
        position, char = _first_bad_character(code)
        raise ValidationError(
            _(
                "Character %(position)d (“%(char)s”) of “%(code)s” is not allowed: the first 8 are digits, "
                "the rest digits or capital letters other than I, O, S, V and Z."
            )
            % {"position": position, "char": char, "code": code},
            code="format",
        ) from None
    except InvalidChecksum:
        if allow_bad_check_character:
            return code
        raise ValidationError(
            _(
                "The check character of “%(code)s” should be %(expected)s, not %(actual)s. "
                "If this is a genuine early pilot code, staff may accept it explicitly."
            )
            % {"code": code, "expected": uscc.calc_check_digit(code[:-1]), "actual": code[-1]},
            code="checksum",
        ) from None


def passes_check(code: str) -> bool:
    return uscc.is_valid(code)


def make_credit_code(body: str) -> str:
    """A valid code from its first 17 characters (used for demo data and tests)."""
    return body + uscc.calc_check_digit(body)


def _first_bad_character(code: str) -> tuple[int, str]:
    for index, char in enumerate(code, start=1):
        allowed = "0123456789" if index <= 8 else ALPHABET
        if char not in allowed:
            return index, char
    return 0, ""
