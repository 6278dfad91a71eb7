"""Achievements through the registry's importer: the template's columns, each kind's required columns named by row
and column, the all-or-nothing commit, and a second commit that changes nothing."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from enterprises.importing.kinds import get_kind
from enterprises.models import Achievement, ImportJob
from tests import factories

Status = ImportJob.Status
HEADER = ["统一社会信用代码", "成果类型", "名称", "级别", "角色", "排名", "融资金额", "等级", "取得日期", "有效期至"]


def _csv(rows) -> bytes:
    lines = [",".join(HEADER), *(",".join(str(cell) for cell in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def firm(db):
    return factories.EnterpriseFactory(county=factories.county("410402"))


def test_achievements_kind_is_registered_with_its_template():
    kind = get_kind("achievements")
    assert kind.template_file_name == "成果导入模板.xlsx"
    assert [column.header for column in kind.columns][:3] == ["统一社会信用代码", "企业名称", "成果类型"]


def test_good_file_commits_every_kind_and_a_second_commit_changes_nothing(run_import, run_commit, firm, make_user):
    user = make_user(Role.CITY_STAFF)
    code = firm.credit_code
    content = _csv(
        [
            [code, "标准制修订", "减速器通用技术条件", "行业", "主导", "", "", "", "2023-05-01", ""],
            [code, "科技奖励", "国家科学技术进步奖", "国家级", "", "3", "", "", "2022-01-08", ""],
            [code, "股权融资", "A轮", "", "", "", "600", "", "2025-03-01", ""],
            [code, "研发机构", "省级企业技术中心", "省级", "", "", "", "", "2020-01-01", "2027-12-31"],
            [code, "数字化水平", "数字化水平评测", "", "", "", "", "3", "2025-01-01", ""],
        ]
    )
    job = run_import(content, user=user, kind="achievements")
    assert job.status == Status.READY, job.issues_preview
    assert (job.row_count, job.new_rows) == (5, 5)
    assert not Achievement.objects.exists()  # the check writes nothing
    job = run_commit(job, user=user)
    assert job.status == Status.COMMITTED
    stored = {a.kind: a for a in Achievement.objects.filter(enterprise=firm)}
    assert stored["standard"].level == "industry" and stored["standard"].role == "led"
    assert stored["award"].rank == 3 and stored["award"].achieved_on == datetime.date(2022, 1, 8)
    assert stored["equity"].amount == Decimal("6000000.00")
    assert stored["rd_institution"].valid_to == datetime.date(2027, 12, 31)
    assert stored["digital_level"].grade == 3
    again = run_commit(run_import(content, user=user, kind="achievements"), user=user)
    assert (again.new_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 5)


def test_a_kind_missing_what_its_rule_reads_is_named_by_row_and_column(run_import, firm, make_user):
    user = make_user(Role.CITY_STAFF)
    code = firm.credit_code
    content = _csv(
        [
            [code, "科技奖励", "省科技进步奖", "省级", "", "", "", "", "2024-01-01", ""],  # row 2: no rank
            [code, "股权融资", "B轮", "", "", "", "", "", "2024-01-01", ""],  # row 3: no amount
            [code, "标准制修订", "某国家标准", "国家级", "", "", "", "", "2024-01-01", ""],  # row 4: no role
            [code, "创新荣誉", "知识产权示范企业", "", "", "", "", "", "2024-01-01", "2023-01-01"],  # row 5: reversed
        ]
    )
    job = run_import(content, user=user, kind="achievements")
    assert job.status == Status.INVALID
    errors = {(i["row"], i["column"], i["code"]) for i in job.issues_preview if i["severity"] == "error"}
    assert errors == {
        (2, "排名", "required"),
        (3, "融资金额", "required"),
        (4, "角色", "required"),
        (5, "有效期至", "dates.reversed"),
    }
    assert not Achievement.objects.exists()
