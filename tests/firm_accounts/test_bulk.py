import io

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from accounts.models import Role, User
from enterprises.credit_codes import make_credit_code
from firm_accounts.bulk import (
    ListedCode,
    bulk_check,
    bulk_create_accounts,
    codes_from_file,
    codes_from_text,
)
from firm_accounts.models import AccountBatch
from tests import factories

UNKNOWN_CODE = make_credit_code("91410400MA0000001")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _listed(*values):
    return [ListedCode(row, value) for row, value in enumerate(values, start=1)]


def _rows(content: bytes) -> list[list]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return sheet.to_python()


def _problems(error) -> dict[int, str]:
    return {problem.row: problem.problem for problem in error.check.problems}


def test_codes_from_text_reads_one_code_per_line():
    listed = codes_from_text("91410402000000001X\n\n  91410402000000002Y，备注\n91410402000000003Z\tx")
    assert [(item.row, item.value) for item in listed] == [
        (1, "91410402000000001X"),
        (3, "91410402000000002Y"),
        (4, "91410402000000003Z"),
    ]


def test_codes_from_file_reads_the_credit_code_column_of_an_xlsx(db):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["企业名称", "统一社会信用代码"])
    sheet.write_row(1, 0, ["甲", "91410402000000001X"])
    sheet.write_row(3, 0, ["乙", "91410402000000002Y"])
    workbook.close()
    listed = codes_from_file(output.getvalue(), file_name="firms.xlsx")
    assert [(item.row, item.value) for item in listed] == [(2, "91410402000000001X"), (4, "91410402000000002Y")]


def test_bulk_creation_is_all_or_nothing_with_a_problem_per_row(db, two_counties, reviewers):
    good = two_counties["home"][0]
    has_account = two_counties["home"][1]
    factories.make_user(Role.ENTERPRISE, enterprise=has_account)
    away = two_counties["away"][0]
    users_before = User.objects.count()
    listed = _listed(good.credit_code, UNKNOWN_CODE, away.credit_code, has_account.credit_code, "91410402ABC",
                     good.credit_code.lower())  # fmt: skip
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        bulk_create_accounts(user=reviewers["xinhua"], listed=listed)
    problems = _problems(caught.value)
    assert set(problems) == {2, 3, 4, 5, 6}
    assert "No firm with the credit code" in problems[2]
    assert "outside your county" in problems[3]
    assert "already has an account" in problems[4]
    assert "18 characters" in problems[5]
    assert "Listed twice: already on row 1" in problems[6]
    assert User.objects.count() == users_before
    assert not AccountBatch.objects.exists()


def test_an_account_made_between_check_and_creation_stops_the_batch(db, two_counties, reviewers, monkeypatch):
    import firm_accounts.bulk

    firms = two_counties["home"][:2]
    real_check = firm_accounts.bulk.bulk_check

    def check_then_race(**kwargs):
        result = real_check(**kwargs)
        factories.make_user(Role.ENTERPRISE, enterprise=firms[1])  # another reviewer's approval, just now
        return result

    monkeypatch.setattr(firm_accounts.bulk, "bulk_check", check_then_race)
    with pytest.raises(ValidationError) as caught:
        bulk_create_accounts(user=reviewers["xinhua"], listed=_listed(*(f.credit_code for f in firms)))
    assert list(_problems(caught.value)) == [2]
    assert not User.objects.filter(enterprise=firms[0]).exists()
    assert not AccountBatch.objects.exists()


def test_city_staff_create_accounts_in_every_county(db, two_counties, reviewers):
    firms = [two_counties["home"][0], two_counties["away"][0]]
    batch, created = bulk_create_accounts(user=reviewers["city"], listed=_listed(*(f.credit_code for f in firms)))
    assert [item.enterprise for item in created] == firms
    assert batch.account_count == 2 and batch.created_by == reviewers["city"]
    assert [entry["credit_code"] for entry in batch.accounts] == [f.credit_code for f in firms]
    assert "password" not in str(batch.accounts)


def test_bulk_check_runs_a_fixed_number_of_queries(db, reviewers, django_assert_num_queries):
    firms = factories.EnterpriseFactory.create_batch(20, county=factories.county("410402"))
    with django_assert_num_queries(2):
        check = bulk_check(user=reviewers["xinhua"], listed=_listed(*(f.credit_code for f in firms)))
    assert check.ok and len(check.enterprises) == 20


def test_an_empty_or_too_long_list_is_refused(db, reviewers, settings):
    assert not bulk_check(user=reviewers["city"], listed=[]).ok
    settings.ACCOUNT_BULK_MAX = 2
    firms = factories.EnterpriseFactory.create_batch(3)
    check = bulk_check(user=reviewers["city"], listed=_listed(*(f.credit_code for f in firms)))
    assert not check.ok and check.problems[0].row == 0


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER])
def test_bulk_page_is_for_reviewers_only(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("firm_accounts:bulk")).status_code == 403


def test_bulk_page_lists_firms_in_scope_only(client, two_counties, reviewers):
    client.force_login(reviewers["xinhua"])
    page = client.get(reverse("firm_accounts:bulk")).content.decode()
    assert all(f.credit_code in page for f in two_counties["home"])
    assert not any(f.credit_code in page for f in two_counties["away"])
    assert client.get(reverse("firm_accounts:bulk"), {"county": "410482"}).status_code == 404


def test_bulk_xlsx_holds_passwords_that_work_once_then_must_be_changed(client, two_counties, reviewers, log_in_as):
    firms = two_counties["home"]
    client.force_login(reviewers["xinhua"])
    response = client.post(
        reverse("firm_accounts:bulk"), {"source": "list", "codes": "\n".join(f.credit_code for f in firms)}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX and response["Cache-Control"] == "no-store"
    rows = _rows(response.content)
    header, accounts = rows[0], [row for row in rows[1:] if len(row) > 4 and row[4]]
    assert len(header) == 5
    assert [row[1] for row in accounts] == [f.credit_code for f in firms]
    for firm, (name, _code, county, username, password) in zip(firms, accounts, strict=True):
        user = User.objects.get(username=username)
        assert (user.enterprise, user.role, user.must_change_password) == (firm, Role.ENTERPRISE, True)
        assert (name, county) == (firm.name, "新华区")
        assert password not in user.password
        assert log_in_as(username, password) == user
    # Downloaded once: the same list again creates nothing (the firms now have accounts).
    again = client.post(reverse("firm_accounts:bulk"), {"source": "list", "codes": firms[0].credit_code})
    assert again.status_code == 400 and len(again.context["problems"]) == 1


def test_bulk_from_the_registry_picker(client, two_counties, reviewers):
    firms = two_counties["home"][:2]
    client.force_login(reviewers["xinhua"])
    response = client.post(
        reverse("firm_accounts:bulk"), {"source": "selection", "code": [f.credit_code for f in firms]}
    )
    assert response["Content-Type"] == XLSX
    assert User.objects.filter(enterprise__in=firms).count() == 2


def test_bulk_page_shows_row_errors_and_creates_nothing(client, two_counties, reviewers):
    client.force_login(reviewers["xinhua"])
    codes = f"{two_counties['home'][0].credit_code}\n{two_counties['away'][0].credit_code}"
    response = client.post(reverse("firm_accounts:bulk"), {"source": "list", "codes": codes})
    assert response.status_code == 400
    assert 'id="bulk-problems"' in response.content.decode()
    assert [problem.row for problem in response.context["problems"]] == [2]
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()


def test_bulk_upload_that_is_not_a_spreadsheet_is_refused(client, reviewers, db):
    client.force_login(reviewers["city"])
    upload = SimpleUploadedFile("list.pdf", b"%PDF-1.4 nothing")
    response = client.post(reverse("firm_accounts:bulk"), {"source": "list", "file": upload})
    assert response.status_code == 400
    assert response.context["list_form"].errors
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()
