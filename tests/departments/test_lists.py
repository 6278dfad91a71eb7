import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Role
from departments import writing
from departments.models import MappingProfile
from departments.selectors import profile_for
from departments.services import profile_save
from enterprises.importing.services import import_job_create
from enterprises.models import (
    AnnualIndicator,
    DepartmentList,
    DepartmentMatch,
    Enterprise,
    ImportJob,
    Qualification,
    QualificationKind,
    RegistrationStatus,
    SourceKind,
    SourceValue,
)
from enterprises.provenance import reconcile
from ip.models import IpKind, LegalStatus, Patent
from tests import factories
from tests.departments import samples
from tests.departments.conftest import AS_OF

Kind = ImportJob.Kind
pytestmark = pytest.mark.django_db


def issues_of(job, code: str) -> list[dict]:
    if not job.issues_file:
        return []
    with job.issues_file.open("rb") as handle:
        return [issue for issue in json.load(handle) if issue["code"] == code]


def firm(number: int, county_code: str = "410402", **fields) -> Enterprise:
    return factories.EnterpriseFactory(
        credit_code=samples.credit_code(number, county_code), county=factories.county(county_code), **fields
    )


def matches(department_list: str) -> set[int]:
    return set(DepartmentMatch.objects.filter(department_list=department_list).values_list("enterprise_id", flat=True))


# --- 市场监管: the registration extract --------------------------------------------------------------------------


@pytest.mark.usefixtures("write_path")
@pytest.mark.parametrize(("variant", "fmt"), [(0, "csv"), (1, "xlsx")])
def test_registration_extract_creates_industrial_firms_updates_and_closes(upload, commit, city_staff, variant, fmt):
    closing = firm(1, name="平顶山甲机械有限公司", founded_on=None)
    staying = firm(2, name="平顶山乙电子有限公司")
    rows = [
        {"code": closing.credit_code, "name": "平顶山甲机械股份有限公司", "founded": "2012-03-05", "status": "注销",
         "address": "新华区建设路1号", "legal": "张三", "capital": "500", "industry": "3411",
         "authority": "平顶山市新华区市场监督管理局", "county": "新华区"},
        {"code": staying.credit_code, "name": staying.name, "founded": "2016-07-01", "status": "存续",
         "industry": "3911", "authority": "平顶山市新华区市场监督管理局", "county": "新华区"},
        {"code": samples.credit_code(3, "410403"), "name": "平顶山丙新材料有限公司", "founded": "2024-01-02",
         "status": "在业", "legal": "李四", "capital": "1,200.5", "industry": "C2929",
         "authority": "平顶山市卫东区市场监督管理局", "county": "卫东区"},
        {"code": samples.credit_code(4), "name": "平顶山丁商贸有限公司", "founded": "2020-01-01", "status": "存续",
         "industry": "5191", "authority": "平顶山市新华区市场监督管理局", "county": "新华区"},
        {"code": samples.credit_code(5), "name": "平顶山戊化工有限公司", "founded": "2021-01-01", "status": "存续",
         "industry": "2614", "authority": "郑州市市场监督管理局", "county": "郑州市"},
    ]  # fmt: skip
    content = samples.registration_extract(rows, variant=variant, fmt=fmt)

    job = upload(content, kind=Kind.DEPT_REGISTRATION, user=city_staff, file_name=f"登记信息.{fmt}")

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert (job.new_firms, job.row_count) == (1, 5)
    assert [i["row"] for i in issues_of(job, "department.not_industrial")] == [6]
    assert [i["row"] for i in issues_of(job, "department.no_county")] == [7]
    assert [i["row"] for i in issues_of(job, "department.closes")] == [3]
    assert "1 firm(s) become closed" in issues_of(job, "department.leave_pool")[0]["message"]
    if variant == 0:
        assert [i["column"] for i in issues_of(job, "department.not_used")] == ["企业类型"]

    job = commit(job, user=city_staff)

    assert job.status == ImportJob.Status.COMMITTED, job.message
    closing.refresh_from_db()
    assert closing.registration_status == RegistrationStatus.DEREGISTERED
    assert closing.status_as_of == AS_OF
    assert (closing.name, closing.legal_representative) == ("平顶山甲机械股份有限公司", "张三")
    assert closing.registered_capital == Decimal("5000000.00")
    created = Enterprise.objects.get(credit_code=samples.credit_code(3, "410403"))
    assert created.county.name == "卫东区"
    assert created.registered_capital == Decimal("12005000.00")
    assert created.industry_code == "2929"
    assert created.founded_on is None  # an observation until the night's reconciliation
    assert not Enterprise.objects.filter(credit_code__in=[samples.credit_code(4), samples.credit_code(5)]).exists()
    assert matches(DepartmentList.MARKET_REGISTRATION) == {closing.pk, staying.pk, created.pk}
    observed = SourceValue.objects.filter(field="founded_on", source_kind=SourceKind.DEPARTMENT)
    assert observed.count() == 3
    assert {o.import_job_id for o in observed} == {job.pk}

    reconcile(full=True)

    created.refresh_from_db()
    closing.refresh_from_db()
    assert created.founded_on == datetime.date(2024, 1, 2)
    assert closing.founded_on == datetime.date(2012, 3, 5)


@pytest.mark.usefixtures("write_path")
def test_registration_extract_twice_keeps_one_match_per_firm(upload, commit, city_staff):
    known = firm(1)
    rows = [{"code": known.credit_code, "name": known.name, "status": "存续", "industry": "3411",
             "authority": "平顶山市新华区市场监督管理局"}]  # fmt: skip
    for as_of in (datetime.date(2025, 6, 30), AS_OF):
        job = upload(samples.registration_extract(rows), kind=Kind.DEPT_REGISTRATION, user=city_staff, as_of=as_of)
        commit(job, user=city_staff)
    match = DepartmentMatch.objects.get(enterprise=known)
    assert (match.as_of, match.import_job_id) == (AS_OF, job.pk)


# --- 统计: above-scale firms and the 107-1 survey ----------------------------------------------------------------


@pytest.mark.usefixtures("write_path")
def test_statistics_list_records_figures_in_yuan_and_reconciles(upload, commit, city_staff):
    listed = firm(1)
    other = firm(2)
    rows = [
        {"code": listed.credit_code, "name": listed.name, "year": "2025", "employees": "120人", "revenue": "12345.6",
         "main_revenue": "12000", "assets": "40,000", "liabilities": "18000", "rd_staff": "15", "rd": "987.654",
         "rd_internal": "1000", "patents": "3"},
        {"code": other.credit_code, "name": other.name, "year": "2025", "employees": "30", "revenue": "5000",
         "main_revenue": "", "assets": "8000", "liabilities": "1000", "rd": ""},
        {"code": samples.credit_code(99), "name": "平顶山未入库企业", "year": "2025", "employees": "10"},
    ]  # fmt: skip

    job = upload(samples.statistics_list(rows, fmt="xlsx"), kind=Kind.DEPT_STATISTICS, user=city_staff,
                 file_name="规上企业.xlsx")  # fmt: skip

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert [i["row"] for i in issues_of(job, "department.unknown")] == [5]
    assert {i["column"] for i in issues_of(job, "department.not_used")} == {"研究开发人员合计", "研发经费内部支出"}
    assert job.new_rows == 2

    job = commit(job, user=city_staff)

    assert job.status == ImportJob.Status.COMMITTED, job.message
    assert not AnnualIndicator.objects.filter(enterprise__in=[listed, other], year=2025).exists()
    values = dict(
        SourceValue.objects.filter(enterprise=listed, year=2025, source_kind=SourceKind.DEPARTMENT).values_list(
            "field", "value"
        )
    )
    assert values == {
        "employees": Decimal("120"),
        "revenue": Decimal("12345600.00"),  # 千元
        "main_business_revenue": Decimal("12000000.00"),
        "total_assets": Decimal("40000000.00"),
        "total_liabilities": Decimal("18000000.00"),
        "rd_expense": Decimal("987654.00"),
        "invention_patents": Decimal("3"),
    }
    assert SourceValue.objects.filter(enterprise=other, field="rd_expense").count() == 0  # empty: no observation
    assert matches(DepartmentList.STATISTICS) == {listed.pk, other.pk}

    reconcile(full=True)

    effective = AnnualIndicator.objects.get(enterprise=listed, year=2025)
    assert (effective.revenue, effective.employees, effective.rd_expense) == (
        Decimal("12345600.00"),
        120,
        Decimal("987654.00"),
    )


@pytest.mark.usefixtures("write_path")
def test_statistics_unit_in_header_wins_and_year_comes_from_as_of(upload, commit, city_staff):
    listed = firm(1)
    rows = [{"code": listed.credit_code, "name": listed.name, "employees": "80", "revenue": "2500.5", "assets": "9000",
             "liabilities": "100", "rd": "300"}]  # fmt: skip
    content = samples.statistics_list(rows, variant=1, revenue_header="营业收入(万元)")

    job = commit(upload(content, kind=Kind.DEPT_STATISTICS, user=city_staff), user=city_staff)

    assert job.status == ImportJob.Status.COMMITTED, job.issues_preview
    values = dict(SourceValue.objects.filter(enterprise=listed, year=AS_OF.year).values_list("field", "value"))
    assert values["revenue"] == Decimal("25005000.00")  # 万元, as the header says
    assert values["total_assets"] == Decimal("9000000.00")  # the profile's 千元
    assert [i["column"] for i in issues_of(job, "department.not_used")] == ["工业总产值"]


# --- 税务 -------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("write_path")
def test_tax_lists_record_figures_in_yuan(upload, commit, city_staff):
    listed = firm(1)
    rd = [{"code": listed.credit_code, "name": listed.name, "year": "2025", "rd": "1234567.891",
           "deduction": "1234567.89"}]  # fmt: skip
    job = commit(upload(samples.tax_rd_list(rd), kind=Kind.DEPT_TAX_RD, user=city_staff), user=city_staff)
    assert job.status == ImportJob.Status.COMMITTED, job.issues_preview
    assert [i["column"] for i in issues_of(job, "department.not_used")] == ["本年研发费用加计扣除总额"]

    ht = [{"code": listed.credit_code, "name": listed.name, "year": "2025", "ht_revenue": "8000000", "employees": "90",
           "st": "20", "rd": "1300000", "rd_domestic": "1200000.5", "income": "9000000", "rd3": "3000000"}]  # fmt: skip
    job = commit(upload(samples.tax_high_tech_list(ht), kind=Kind.DEPT_TAX_HIGH_TECH, user=city_staff), user=city_staff)
    assert job.status == ImportJob.Status.COMMITTED, job.issues_preview

    observed = SourceValue.objects.filter(enterprise=listed, year=2025, source_kind=SourceKind.DEPARTMENT)
    by_list = {(o.source_name, o.field): o.value for o in observed}
    assert by_list[("税务研发费用加计扣除(A107012)", "rd_expense")] == Decimal("1234567.89")
    assert by_list[("税务高新技术企业优惠明细(A107041)", "high_tech_revenue")] == Decimal("8000000.00")
    assert by_list[("税务高新技术企业优惠明细(A107041)", "rd_expense_domestic")] == Decimal("1200000.50")
    assert by_list[("税务高新技术企业优惠明细(A107041)", "st_personnel")] == 20
    assert matches(DepartmentList.TAX_RD_DEDUCTION) == matches(DepartmentList.TAX_HIGH_TECH) == {listed.pk}


# --- 科技: qualifications -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("write_path")
def test_tech_sme_announcement_writes_registrations_for_their_year(upload, commit, city_staff):
    a, b = firm(1), firm(2)
    rows = [
        {"seq": 1, "code": a.credit_code, "name": a.name, "number": "202541040200123", "year": "2025"},
        {"seq": 2, "code": b.credit_code, "name": b.name, "number": "202441040200077", "year": ""},
        {"seq": 3, "code": samples.credit_code(77), "name": "不在库", "number": "202541040200999", "year": "2025"},
    ]
    job = upload(samples.tech_sme_announcement(rows), kind=Kind.DEPT_TECH_SME, user=city_staff)
    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert [i["row"] for i in issues_of(job, "department.unknown")] == [5]

    job = commit(job, user=city_staff)

    assert job.status == ImportJob.Status.COMMITTED, job.message
    qa = Qualification.objects.get(enterprise=a, kind=QualificationKind.TECH_SME)
    assert (qa.valid_from, qa.valid_to, qa.number) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31),
                                                       "202541040200123")  # fmt: skip
    assert (qa.source_kind, qa.source_list, qa.source_job_id, qa.source_as_of) == (
        SourceKind.DEPARTMENT,
        DepartmentList.SCIENCE_TECH_SME,
        job.pk,
        AS_OF,
    )
    qb = Qualification.objects.get(enterprise=b)
    assert qb.valid_to == datetime.date(2024, 12, 31)  # the year from the registration number
    assert matches(DepartmentList.SCIENCE_TECH_SME) == {a.pk, b.pk}


@pytest.mark.usefixtures("write_path")
def test_high_tech_list_writes_certificates_valid_three_years(upload, commit, city_staff):
    a = firm(1)
    existing = factories.QualificationFactory(
        enterprise=a, kind=QualificationKind.HIGH_TECH, number="old", valid_from=datetime.date(2024, 2, 29),
        valid_to=datetime.date(2025, 1, 1),
    )  # fmt: skip
    rows = [{"seq": 1, "name": a.name, "code": a.credit_code, "number": "GR202441000321", "issued": "2024年2月29日",
             "field": "先进制造与自动化"}]  # fmt: skip
    job = commit(upload(samples.high_tech_list(rows, fmt="xlsx"), kind=Kind.DEPT_HIGH_TECH, user=city_staff,
                        file_name="高企.xlsx"), user=city_staff)  # fmt: skip
    assert job.status == ImportJob.Status.COMMITTED, job.issues_preview
    existing.refresh_from_db()
    assert (existing.number, existing.valid_to) == ("GR202441000321", datetime.date(2027, 2, 27))
    assert existing.source_list == DepartmentList.SCIENCE_HIGH_TECH


# --- 知识产权: the patent office's export -------------------------------------------------------------------------


@pytest.mark.usefixtures("write_path")
def test_patent_export_writes_the_register(upload, commit, city_staff):
    holder = firm(1)
    rows = [
        {"number": "ZL202310123456.7", "kind": "发明", "title": "一种矿用减速机", "filed": "2023-03-01",
         "granted": "2024-06-11", "status": "有权", "holder": holder.name, "code": holder.credit_code,
         "agency": "某代理所"},
        {"number": "202220345678.1", "kind": "实用新型", "title": "一种夹具", "filed": "2022-02-01",
         "granted": "2022-08-01", "status": "未缴年费专利权终止", "holder": holder.name, "code": holder.credit_code},
        {"number": "202220999999.X", "kind": "实用新型", "title": "他人专利", "filed": "2022-02-01",
         "status": "有权", "holder": "外地企业", "code": samples.credit_code(55)},
    ]  # fmt: skip
    job = upload(samples.patent_export(rows), kind=Kind.DEPT_PATENTS, user=city_staff)
    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert [i["row"] for i in issues_of(job, "department.unknown")] == [4]

    job = commit(job, user=city_staff)

    assert job.status == ImportJob.Status.COMMITTED, job.message
    patents = {p.number: p for p in Patent.objects.filter(enterprise=holder)}
    assert patents["202310123456.7"].kind == IpKind.INVENTION
    assert patents["202310123456.7"].legal_status == LegalStatus.VALID
    lapsed = patents["202220345678.1"]
    assert (lapsed.legal_status, lapsed.status_on) == (LegalStatus.LAPSED, AS_OF)
    assert matches(DepartmentList.PATENTS) == {holder.pk}


# --- profiles, scope, all or nothing ------------------------------------------------------------------------------


def test_profile_edited_in_data_changes_which_header_is_read(upload, commit, make_user, city_staff):
    listed = firm(1)
    admin = make_user(Role.CITY_ADMIN)
    profile = profile_for(DepartmentList.STATISTICS)
    profile.columns = {**profile.columns, "revenue": ["营收金额"]}
    profile.units = {**profile.units, "revenue": "元"}
    profile_save(profile=profile, actor=admin)
    rows = [{"code": listed.credit_code, "name": listed.name, "year": "2025", "revenue": "1500000.00", "rd": "10"}]

    new_layout = commit(
        upload(samples.statistics_list(rows, revenue_header="营收金额"), kind=Kind.DEPT_STATISTICS, user=city_staff),
        user=city_staff,
    )
    old_layout = upload(samples.statistics_list(rows), kind=Kind.DEPT_STATISTICS, user=city_staff)

    assert new_layout.status == ImportJob.Status.COMMITTED, new_layout.issues_preview
    assert SourceValue.objects.get(enterprise=listed, field="revenue").value == Decimal("1500000.00")
    unknown = {i["column"]: i["message"] for i in issues_of(old_layout, "department.not_used")}
    assert "profile does not know" in unknown["营业收入"]
    assert "no field with this column's meaning" in unknown["研究开发人员合计"]


def test_profile_with_unknown_field_or_unit_is_refused(make_user):
    admin = make_user(Role.CITY_ADMIN)
    profile = profile_for(DepartmentList.STATISTICS)
    profile.columns = {**profile.columns, "turnover": ["营收"]}
    profile.units = {"revenue": "美元"}
    with translation.override("en"), pytest.raises(ValidationError, match="turnover") as raised:
        profile_save(profile=profile, actor=admin)
    assert "元, 千元 or 万元" in str(raised.value)
    with pytest.raises(PermissionDenied):
        profile_save(profile=profile_for(DepartmentList.STATISTICS), actor=make_user(Role.CITY_STAFF))


def test_county_staff_cannot_upload_department_lists(make_user):
    county_staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    with pytest.raises(PermissionDenied):
        import_job_create(
            kind=Kind.DEPT_STATISTICS,
            uploaded_file=SimpleUploadedFile("a.csv", samples.statistics_list([])),
            actor=county_staff,
        )


def test_list_with_an_error_is_not_committable_and_changes_nothing(upload, city_staff, registry_fingerprint):
    listed = firm(1)
    rows = [{"code": listed.credit_code, "name": listed.name, "year": "2025", "revenue": "12,34"},
            {"code": "91410402MA0000000X", "name": "坏代码", "year": "2025", "revenue": "1"}]  # fmt: skip
    before = registry_fingerprint()
    job = upload(samples.statistics_list(rows), kind=Kind.DEPT_STATISTICS, user=city_staff)
    assert job.status == ImportJob.Status.INVALID
    assert {i["row"] for i in job.issues_preview if i["severity"] == "error"} == {3, 4}
    assert registry_fingerprint() == before
    assert not SourceValue.objects.exists()


def test_commit_failing_midway_writes_nothing(upload, commit, city_staff, monkeypatch, write_path):
    rows = [{"code": samples.credit_code(3, "410403"), "name": "平顶山丙新材料有限公司", "founded": "2024-01-02",
             "status": "在业", "industry": "2929", "authority": "平顶山市卫东区市场监督管理局"}]  # fmt: skip
    job = upload(samples.registration_extract(rows), kind=Kind.DEPT_REGISTRATION, user=city_staff)
    assert job.status == ImportJob.Status.READY

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "_match_sql" if write_path == "copy" else "_match_orm", broken)
    with pytest.raises(RuntimeError):
        commit(job, user=city_staff)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Enterprise.objects.filter(credit_code=rows[0]["code"]).exists()
    assert not SourceValue.objects.exists()
    assert not DepartmentMatch.objects.exists()


def test_default_profiles_are_stored_as_data():
    stored = set(MappingProfile.objects.values_list("department_list", flat=True))
    assert stored == set(DepartmentList.values)
