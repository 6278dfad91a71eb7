import pytest
from django.core.exceptions import ValidationError

from enterprises.credit_codes import normalize_credit_code, validate_credit_code
from enterprises.forms import EnterpriseAdminForm
from enterprises.services import enterprise_create
from tests import factories

VALID = ["91310110666007217T", "91110108551385082Q"]


@pytest.mark.parametrize("code", VALID)
def test_credit_code_official_examples_pass(code):
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("code", VALID)
def test_credit_code_one_character_changed_fails_the_check(code):
    changed = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    with pytest.raises(ValidationError) as error:
        validate_credit_code(changed)
    assert error.value.code == "checksum"
    assert changed in error.value.message


def test_credit_code_check_character_changed_names_the_expected_one():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91310110666007217A")
    assert "T" in error.value.message
    assert "A" in error.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "91310110666007217t",
        " 9131 0110 6660 0721 7T ",
        "9131-0110-6660-0721-7T",
        "９１３１０１１０６６６００７２１７Ｔ",
    ],
)
def test_credit_code_lowercase_spaces_and_full_width_are_normalised(raw):
    assert normalize_credit_code(raw) == "91310110666007217T"
    assert validate_credit_code(raw) == "91310110666007217T"


@pytest.mark.parametrize(
    ("raw", "kind", "fragment"),
    [
        ("9131011066600721", "length", "16"),
        ("913101106660072170T", "length", "19"),
        ("91310110666007217I", "format", "18"),
        ("9A310110666007217T", "format", "2"),
        ("", "empty", ""),
    ],
)
def test_credit_code_bad_input_says_what_is_wrong(raw, kind, fragment):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(raw)
    assert error.value.code == kind
    assert fragment in error.value.message


def test_credit_code_failing_check_stored_only_when_accepted(db):
    county = factories.county("410402")
    with pytest.raises(ValidationError):
        enterprise_create(credit_code="91310110666007217A", name="试点企业", county=county)
    enterprise = enterprise_create(
        credit_code="91310110666007217a", name="试点企业", county=county, accept_failed_check=True
    )
    assert enterprise.credit_code == "91310110666007217A"
    assert enterprise.credit_code_checked is False


def _admin_form(code, checked):
    county = factories.county("410402")
    data = {"credit_code": code, "name": "测试企业", "county": county.pk, "high_tech_field": ""}
    if checked:
        data["credit_code_checked"] = "on"
    return EnterpriseAdminForm(data=data)


def test_admin_form_rejects_failing_code_unless_staff_untick_the_check(db):
    form = _admin_form("91310110666007217A", checked=True)
    assert not form.is_valid()
    assert "check character" in str(form.errors["credit_code"]).lower() or "校验" in str(form.errors["credit_code"])
    accepted = _admin_form("91310110666007217A", checked=False)
    assert accepted.is_valid(), accepted.errors
    assert accepted.save().credit_code_checked is False


def test_admin_form_normalises_and_marks_passing_code(db):
    form = _admin_form("9131 0110 6660 0721 7t", checked=False)
    assert form.is_valid(), form.errors
    enterprise = form.save()
    assert (enterprise.credit_code, enterprise.credit_code_checked) == ("91310110666007217T", True)
