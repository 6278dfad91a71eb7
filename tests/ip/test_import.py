"""Patents through the registry's importer: the same template, checks, preview and all-or-nothing commit."""

import io

import pytest
from python_calamine import CalamineWorkbook

from accounts.models import Role
from enterprises.importing import workbooks
from enterprises.models import ImportJob
from ip.models import Patent
from tests import factories

Status = ImportJob.Status
HEADER = ["统一社会信用代码", "专利号", "知识产权类型", "知识产权名称", "申请日", "授权日", "法律状态", "失效日期",
          "权利要求数", "战略性新兴产业", "质押融资金额", "获奖情况", "转出日期", "受让人"]  # fmt: skip


def _csv(rows) -> bytes:
    lines = [",".join(HEADER), *(",".join(str(cell) for cell in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def _row(code, number, **overrides):
    values = {"kind": "发明专利", "title": "一种减速器", "filed": "2019-04-01", "granted": "2021-06-01",
              "status": "有效", "status_on": "", "claims": "8", "strategic": "否", "pledge": "", "award": "",
              "out": "", "to": ""}  # fmt: skip
    values.update(overrides)
    return [code, number, *values.values()]


@pytest.fixture
def firms(db):
    xinhua, ruzhou = factories.county("410402"), factories.county("410482")
    return {"home": factories.EnterpriseFactory(county=xinhua), "away": factories.EnterpriseFactory(county=ruzhou)}


def test_good_file_previews_commits_evaluates_and_a_second_commit_changes_nothing(
    run_import, run_commit, firms, make_user
):
    user = make_user(Role.CITY_STAFF)
    code = firms["home"].credit_code
    content = _csv(
        [
            _row(code, "ZL201910123456.7", strategic="是"),
            _row(code, "201920123456.1", kind="实用新型", claims="3"),
            _row(firms["away"].credit_code, "2018 1012 3457.X", pledge="1500"),
        ]
    )
    job = run_import(content, user=user, kind="patents")
    assert job.status == Status.READY, job.issues_preview
    assert (job.row_count, job.new_rows, job.updated_rows, job.unchanged_rows) == (3, 3, 0, 0)
    assert not Patent.objects.exists()  # the check writes nothing

    job = run_commit(job, user=user)
    assert job.status == Status.COMMITTED
    stored = {p.number: p for p in Patent.objects.all()}
    assert set(stored) == {"201910123456.7", "201920123456.1", "201810123457.X"}
    assert stored["201910123456.7"].strategic_emerging and stored["201910123456.7"].high_value
    assert str(stored["201810123457.X"].pledged_amount) == "15000000.00"
    assert stored["201810123457.X"].high_value  # a pledge of 1,500 万元 is a large financing amount
    assert not stored["201920123456.1"].high_value  # a utility model is never a high-value invention patent
    assert all(p.value_score is not None for p in stored.values())

    again = run_commit(run_import(content, user=user, kind="patents"), user=user)
    assert (again.new_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 3)


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(run_import, firms, make_user):
    user = make_user(Role.CITY_STAFF)
    code = firms["home"].credit_code
    unknown = factories.EnterpriseFactory.build().credit_code
    content = _csv(
        [
            _row(code, "201910000001.1"),
            _row(unknown, "201910000002.1"),  # row 3: unknown firm
            _row(code, "201910000003.1", filed="2021-01-01", granted="2020-01-01"),  # row 4: grant before filing
            _row(code, "201910000001.1", title="重复"),  # row 5: duplicate number
        ]
    )
    job = run_import(content, user=user, kind="patents")
    assert job.status == Status.INVALID
    errors = {(i["row"], i["column"], i["code"]) for i in job.issues_preview if i["severity"] == "error"}
    assert (3, "统一社会信用代码", "credit_code.unknown") in errors
    assert (4, "授权日", "dates.reversed") in errors
    assert (5, "专利号", "duplicate") in errors
    assert job.error_count == 3
    assert not Patent.objects.exists()
    messages = {i["row"]: i["message"] for i in job.issues_preview}
    assert "row 2" in messages[5] and "2021-01-01" in messages[4]


def test_a_number_held_by_another_firm_is_refused_unless_the_file_transfers_it_out(
    run_import, run_commit, firms, make_user
):
    user = make_user(Role.CITY_STAFF)
    home, away = firms["home"].credit_code, firms["away"].credit_code
    run_commit(run_import(_csv([_row(home, "201910000009.1")]), user=user, kind="patents"), user=user)

    taken = run_import(_csv([_row(away, "201910000009.1")]), user=user, kind="patents")
    assert taken.status == Status.INVALID
    assert [(i["row"], i["code"]) for i in taken.issues_preview] == [(2, "number.held_elsewhere")]

    moved = run_import(
        _csv([_row(away, "201910000009.1"), _row(home, "201910000009.1", out="2026-03-01", to="买方公司")]),
        user=user,
        kind="patents",
    )
    assert moved.status == Status.READY, moved.issues_preview
    assert run_commit(moved, user=user).status == Status.COMMITTED
    rows = dict(Patent.objects.values_list("enterprise__credit_code", "transferred_out_on"))
    assert rows[away] is None and rows[home].isoformat() == "2026-03-01"


def test_county_staff_import_only_their_countys_firms(run_import, firms, make_user):
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    job = run_import(_csv([_row(firms["away"].credit_code, "201910000010.1")]), user=user, kind="patents")
    assert job.status == Status.INVALID
    assert job.issues_preview[0]["code"] == "credit_code.out_of_scope"


def test_template_has_the_chinese_headers_and_an_explanation_sheet(db):
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(workbooks.template_workbook("patents")))
    assert workbook.sheet_names == ["知识产权台账", "填写说明"]
    headers = workbook.get_sheet_by_name("知识产权台账").to_python()[0]
    assert headers[:4] == ["统一社会信用代码", "企业名称", "专利号", "知识产权类型"]
