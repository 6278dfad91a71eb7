"""From a checked file to the registry: preview counts, commit (all or nothing), idempotence, the import log,
qualifications, county scope, and the options and warnings that let a file through."""

import contextlib
import hashlib
from decimal import Decimal

import pytest

from accounts.models import Role
from enterprises.importing import committing, services
from enterprises.importing.services import import_job_cancel, import_job_request_commit
from enterprises.models import AnnualIndicator, Enterprise, ImportJob, ImportJobEvent, Qualification, QualificationKind
from enterprises.workflows import TransitionNotAllowed
from tests import factories
from tests.data import make_corpus
from tests.data.make_corpus import CORPUS_DIR, R1, R2, R3, YEAR, csv_text, firm_code, firm_name

Status = ImportJob.Status
HEADER = make_corpus.ENTERPRISE_HEADER


def _csv(rows, header=HEADER) -> bytes:
    return csv_text(header, rows).encode()


def _good_csv_with(change) -> bytes:
    """good_enterprises.csv with `change(rows)` applied to a copy of its rows."""
    rows = [list(row) for row in make_corpus.GOOD_CSV_ROWS]
    change(rows)
    return _csv(rows, make_corpus.GOOD_CSV_HEADER)


def _counts(job) -> tuple[int, int, int, int, int]:
    return job.row_count, job.new_firms, job.new_rows, job.updated_rows, job.unchanged_rows


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


@pytest.fixture
def xinhua_user(make_user):
    return make_user(Role.COUNTY_STAFF, county_code="410402")


# --- Preview, commit, idempotence ----------------------------------------------------------------------------------


def test_commit_good_file_then_same_file_changes_nothing(
    run_import, run_commit, city_user, corpus_registry, registry_fingerprint
):
    before = registry_fingerprint()

    job = run_import("good_enterprises.csv", user=city_user)
    assert job.status == Status.READY
    assert _counts(job) == (3, 3, 3, 0, 0)
    assert registry_fingerprint() == before  # the check writes nothing

    job = run_commit(job, user=city_user)
    assert job.status == Status.COMMITTED
    assert _counts(job) == (3, 3, 3, 0, 0)
    after_first = registry_fingerprint()
    assert after_first["Enterprise"] == before["Enterprise"] + 3
    assert after_first["AnnualIndicator"] == before["AnnualIndicator"] + 3
    figures = AnnualIndicator.objects.get(enterprise__credit_code=firm_code("410403", 2), year=YEAR)
    assert figures.revenue == Decimal("30000000.00")  # "3,000万"
    assert figures.rd_expense == Decimal("2500000.00")

    again = run_import("good_enterprises.csv", user=city_user)
    assert again.status == Status.READY
    assert _counts(again) == (3, 0, 0, 0, 3)
    again = run_commit(again, user=city_user)
    assert again.status == Status.COMMITTED
    assert registry_fingerprint() == after_first


def test_commit_changed_value_updates_one_row(run_import, run_commit, city_user, corpus_registry):
    run_commit(run_import("good_enterprises.csv", user=city_user), user=city_user)
    firms_before = sorted(Enterprise.objects.values_list())
    revenue = make_corpus.GOOD_CSV_HEADER.index("营业收入")

    def change(rows):
        rows[1][revenue] = "3,100"

    job = run_import(_good_csv_with(change), user=city_user)

    assert job.status == Status.READY
    assert _counts(job) == (3, 0, 0, 1, 2)
    job = run_commit(job, user=city_user)
    assert job.status == Status.COMMITTED
    figures = AnnualIndicator.objects.get(enterprise__credit_code=firm_code("410403", 2), year=YEAR)
    assert figures.revenue == Decimal("31000000.00")
    assert figures.rd_expense == Decimal("2500000.00")  # the row's other figures stay
    assert sorted(Enterprise.objects.values_list()) == firms_before


def test_commit_changed_firm_detail_counts_as_updated(run_import, run_commit, city_user, corpus_registry):
    run_commit(run_import("good_enterprises.csv", user=city_user), user=city_user)
    address = make_corpus.GOOD_CSV_HEADER.index("地址")

    def change(rows):
        rows[0][address] = "新华区建设路2号"

    job = run_commit(run_import(_good_csv_with(change), user=city_user), user=city_user)

    assert _counts(job) == (3, 0, 0, 1, 2)
    assert Enterprise.objects.get(credit_code=firm_code("410402", 1)).address == "新华区建设路2号"


def test_preview_counts_unchanged_row_beside_new_rows(run_import, run_commit, city_user):
    """A row equal to the registry's stays "unchanged" when the same file also brings new rows."""
    known, new = firm_code("410402", 1), firm_code("410402", 2)
    header = ["统一社会信用代码", "企业名称", "县区", "年度", "从业人员", "科技人员", "营业收入"]
    first = run_import(_csv([[known, "甲公司", "新华区", "2024", "10", "1", "100"]], header), user=city_user)
    run_commit(first, user=city_user)

    job = run_import(
        _csv(
            [
                [known, "甲公司", "新华区", "2024", "10", "1", "100"],  # as in the registry
                [known, "甲公司", "新华区", "2023", "10", "1", "100"],  # a new year of a known firm
                [new, "乙公司", "新华区", "2024", "10", "1", "100"],  # a new firm
            ],
            header,
        ),
        user=city_user,
    )

    assert job.status == Status.READY
    assert _counts(job) == (3, 1, 2, 0, 1)


def test_commit_empty_figures_on_a_row_with_a_year_are_zero(run_import, run_commit, city_user):
    code = firm_code("410402", 1)
    row = [code, "甲公司", "新华区", "", str(YEAR), "12", "", "80", "", ""]

    job = run_commit(run_import(_csv([row]), user=city_user), user=city_user)

    assert job.status == Status.COMMITTED
    figures = AnnualIndicator.objects.get(enterprise__credit_code=code)
    assert (figures.employees, figures.st_personnel) == (12, 0)
    assert (figures.revenue, figures.rd_expense, figures.rd_expense_domestic) == (Decimal("800000"), 0, 0)


# --- All or nothing ------------------------------------------------------------------------------------------------


def test_commit_failing_midway_changes_nothing(
    run_import, run_commit, city_user, corpus_registry, registry_fingerprint, monkeypatch
):
    job = run_import("good_enterprises.csv", user=city_user)
    assert job.status == Status.READY
    before = registry_fingerprint()
    written = {}
    apply_enterprises = committing.apply_enterprises

    def write_then_fail(plan, *, progress):
        apply_enterprises(plan, progress=progress)
        written["firms"] = Enterprise.objects.count()
        raise RuntimeError("disk full")

    monkeypatch.setattr(committing, "apply_enterprises", write_then_fail)

    with pytest.raises(RuntimeError, match="disk full"):
        run_commit(job, user=city_user)

    assert written["firms"] == before["Enterprise"] + 3  # the rows had been written when it failed
    assert registry_fingerprint() == before
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "changed nothing" in job.message
    assert "disk full" in job.message
    assert list(job.events.values_list("from_state", "to_state"))[-1] == (Status.COMMITTING, Status.FAILED)
    with pytest.raises(TransitionNotAllowed):
        import_job_request_commit(job=job, actor=city_user)


def test_commit_refused_when_a_firm_was_registered_in_another_county_since_the_check(
    run_import, run_commit, xinhua_user, registry_fingerprint
):
    job = run_import(_csv(make_corpus.enterprise_rows()), user=xinhua_user)
    assert job.status == Status.READY
    # Meanwhile 卫东区 registers the file's second firm.
    factories.EnterpriseFactory(credit_code=firm_code("410402", 2), county=factories.county("410403"))
    before = registry_fingerprint()

    job = run_commit(job, user=xinhua_user)

    assert job.status == Status.FAILED
    assert "registered in another county" in job.message
    assert firm_code("410402", 2) in job.message
    assert registry_fingerprint() == before


def test_commit_same_job_twice_is_refused(run_import, run_commit, city_user, registry_fingerprint):
    job = run_commit(run_import(_csv(make_corpus.enterprise_rows()), user=city_user), user=city_user)
    assert job.status == Status.COMMITTED
    after = registry_fingerprint()

    with pytest.raises(TransitionNotAllowed):
        import_job_request_commit(job=job, actor=city_user)

    job.refresh_from_db()
    assert job.status == Status.COMMITTED
    assert registry_fingerprint() == after


def test_commit_second_click_while_committing_is_refused(
    run_import, city_user, django_capture_on_commit_callbacks, registry_fingerprint
):
    job = run_import(_csv(make_corpus.enterprise_rows()), user=city_user)

    with django_capture_on_commit_callbacks() as callbacks:
        import_job_request_commit(job=job, actor=city_user)
        with pytest.raises(TransitionNotAllowed):
            import_job_request_commit(job=job, actor=city_user)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == Status.COMMITTING
    callbacks[0]()

    job.refresh_from_db()
    assert job.status == Status.COMMITTED
    assert registry_fingerprint()["AnnualIndicator"] == 3
    assert job.events.filter(to_state=Status.COMMITTING).count() == 1


def test_cancelled_import_cannot_be_committed(run_import, city_user, registry_fingerprint):
    job = run_import(_csv(make_corpus.enterprise_rows()), user=city_user)
    before = registry_fingerprint()

    import_job_cancel(job=job, actor=city_user)

    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    with pytest.raises(TransitionNotAllowed):
        import_job_request_commit(job=job, actor=city_user)
    assert registry_fingerprint() == before


def test_check_that_crashes_marks_the_import_failed(run_import, city_user, monkeypatch):
    """An unexpected error while checking must not leave the import "checking" for ever (its page polls)."""

    def crash(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(services, "validate", crash)

    with contextlib.suppress(RuntimeError):  # the task may re-raise, as the commit does, once the job says failed
        run_import(_csv(make_corpus.enterprise_rows()), user=city_user, file_name="crash.csv")

    job = ImportJob.objects.get(file_name="crash.csv")
    assert job.status == Status.FAILED
    assert job.message


# --- The import log ------------------------------------------------------------------------------------------------


def test_import_log_records_who_when_file_counts_and_outcome(run_import, run_commit, city_user, make_user):
    admin = make_user(Role.CITY_ADMIN)
    content = (CORPUS_DIR / "good_enterprises.csv").read_bytes()

    job = run_import(content, user=city_user, file_name="2024年企业数据.csv")
    job = run_commit(job, user=admin)

    assert job.created_by == city_user
    assert job.created_at is not None
    assert job.county is None  # city staff's imports belong to no county
    assert job.file_name == "2024年企业数据.csv"
    assert job.file_sha256 == hashlib.sha256(content).hexdigest()
    assert job.file_size == len(content)
    with job.file.open("rb") as handle:
        assert handle.read() == content
    assert (job.file_format, job.encoding) == ("csv", "UTF-8")
    assert _counts(job) == (3, 3, 3, 0, 0)
    assert (job.error_count, job.warning_count) == (0, 4)  # row 4 leaves four figures empty: stored as 0, said so
    assert job.validated_at is not None and job.check_ms is not None
    assert job.committed_by == admin
    assert job.committed_at >= job.validated_at >= job.created_at
    assert job.commit_ms is not None
    assert list(ImportJobEvent.objects.filter(job=job).values_list("from_state", "to_state", "actor")) == [
        ("", Status.VALIDATING, city_user.pk),
        (Status.VALIDATING, Status.READY, city_user.pk),
        (Status.READY, Status.COMMITTING, admin.pk),
        (Status.COMMITTING, Status.COMMITTED, admin.pk),
    ]


def test_import_log_records_rejected_file(run_import, city_user):
    job = run_import("negative_amount.csv", user=city_user)

    assert job.row_count == 3
    assert job.error_count == 1
    assert job.committed_at is None
    assert list(job.events.values_list("from_state", "to_state")) == [
        ("", Status.VALIDATING),
        (Status.VALIDATING, Status.INVALID),
    ]


# --- Qualifications ------------------------------------------------------------------------------------------------


def test_qualifications_upsert_by_firm_kind_and_start(run_import, run_commit, city_user, corpus_registry):
    existing = Qualification.objects.count()
    job = run_commit(run_import("good_qualifications.csv", user=city_user, kind="qualifications"), user=city_user)
    assert job.status == Status.COMMITTED
    assert Qualification.objects.count() == existing + 3
    high_tech = Qualification.objects.get(enterprise__credit_code=R1["credit_code"], kind=QualificationKind.HIGH_TECH)
    assert (str(high_tech.valid_from), str(high_tech.valid_to), high_tech.number) == (
        "2024-12-01",
        "2027-11-30",
        "GR202441000001",
    )
    tech_sme = Qualification.objects.get(enterprise__credit_code=R1["credit_code"], kind=QualificationKind.TECH_SME)
    assert tech_sme.number == "202441040200001"  # written as "科技型中小企业"

    rows = make_corpus.qualification_rows()
    rows[0][3] = "GR202441000099"  # same firm, kind and start: an update
    rows[0][5] = "2027-12-31"
    rows.append([R2["credit_code"], R2["name"], "瞪羚", "", "2026-01-01", "2026-12-31"])  # a new period: a new row
    job = run_import(_csv(rows, make_corpus.QUALIFICATION_HEADER), user=city_user, kind="qualifications")

    assert job.status == Status.READY, job.issues_preview
    assert _counts(job) == (4, 0, 1, 1, 2)
    job = run_commit(job, user=city_user)
    assert job.status == Status.COMMITTED
    assert Qualification.objects.count() == existing + 4
    high_tech.refresh_from_db()
    assert (high_tech.number, str(high_tech.valid_to)) == ("GR202441000099", "2027-12-31")
    assert Qualification.objects.filter(enterprise__credit_code=R2["credit_code"], kind="gazelle").count() == 2


def test_qualifications_of_another_county_are_out_of_scope(run_import, xinhua_user, corpus_registry):
    rows = make_corpus.qualification_rows()
    rows[2] = [R3["credit_code"], R3["name"], "瞪羚企业", "", "2025-01-01", "2025-12-31"]  # a 卫东区 firm

    job = run_import(_csv(rows, make_corpus.QUALIFICATION_HEADER), user=xinhua_user, kind="qualifications")

    assert job.status == Status.INVALID
    assert [(i["code"], i["row"]) for i in job.issues_preview] == [("credit_code.out_of_scope", 4)]


# --- County staff --------------------------------------------------------------------------------------------------


def test_county_staff_cannot_import_rows_of_another_county(
    run_import, make_user, corpus_registry, registry_fingerprint
):
    weidong = make_user(Role.COUNTY_STAFF, county_code="410403")
    before = registry_fingerprint()

    job = run_import("good_enterprises.csv", user=weidong)

    assert job.status == Status.INVALID
    # Rows 2 and 4 are of 新华区 and 汝州市; row 3, of 卫东区, is the user's own.
    errors = [i for i in job.issues_preview if i["severity"] == "error"]
    assert [(i["code"], i["row"], i["column"]) for i in errors] == [
        ("county.out_of_scope", 2, "县区"),
        ("county.out_of_scope", 4, "县区"),
    ]
    assert job.county.code == "410403"
    assert registry_fingerprint() == before


def test_county_staff_row_without_county_goes_to_own_county(run_import, run_commit, xinhua_user, corpus_registry):
    rows = make_corpus.enterprise_rows()
    for row in rows:
        row[2] = ""
    rows.append([R1["credit_code"], R1["name"], "", *make_corpus.enterprise_row(4)[3:]])  # a firm of 新华区

    job = run_commit(run_import(_csv(rows), user=xinhua_user), user=xinhua_user)

    assert job.status == Status.COMMITTED
    assert _counts(job) == (4, 3, 3, 1, 0)
    codes = [row[0] for row in rows]
    assert set(Enterprise.objects.filter(credit_code__in=codes).values_list("county__code", flat=True)) == {"410402"}


def test_city_staff_moving_a_firm_to_another_county_is_a_warning(run_import, run_commit, city_user, corpus_registry):
    rows = [[R1["credit_code"], R1["name"], "卫东区", *make_corpus.enterprise_row(1)[3:]]]

    job = run_import(_csv(rows), user=city_user)

    assert job.status == Status.READY
    assert [(i["severity"], i["code"], i["row"], i["column"]) for i in job.issues_preview] == [
        ("warning", "county.moves", 2, "县区")
    ]
    run_commit(job, user=city_user)
    assert Enterprise.objects.get(credit_code=R1["credit_code"]).county.code == "410403"


# --- Warnings and options that let a file through ------------------------------------------------------------------


def test_name_differs_is_a_warning_and_commit_replaces_the_name(
    run_import, run_commit, city_user, corpus_registry, registry_fingerprint
):
    before = registry_fingerprint()

    job = run_import("name_differs.csv", user=city_user)

    assert job.status == Status.READY
    assert (job.error_count, job.warning_count) == (0, 1)
    [issue] = job.issues_preview
    assert (issue["severity"], issue["code"], issue["row"]) == ("warning", "name.differs", 2)
    assert issue["column"] == "企业名称"
    assert R1["name"] in issue["message"]
    assert registry_fingerprint() == before
    job = run_commit(job, user=city_user)
    assert job.status == Status.COMMITTED
    assert Enterprise.objects.get(credit_code=R1["credit_code"]).name == "平顶山既有一号科技股份有限公司"


def test_accept_bad_check_characters_turns_the_error_into_a_warning(run_import, run_commit, city_user):
    bad_code = make_corpus.enterprise_rows()[1][0][:-1]

    job = run_import("credit_code_checksum.csv", user=city_user, accept_bad_check_characters=True)

    assert job.status == Status.READY
    assert job.accept_bad_check_characters
    assert [(i["severity"], i["code"], i["row"]) for i in job.issues_preview] == [
        ("warning", "credit_code.checksum_accepted", 3)
    ]
    job = run_commit(job, user=city_user)
    assert job.status == Status.COMMITTED
    accepted = Enterprise.objects.get(credit_code__startswith=bad_code)
    assert accepted.credit_code_checked is False
    assert Enterprise.objects.filter(credit_code_checked=True).count() == 2


def test_bad_check_character_without_the_option_stays_an_error(run_import, city_user):
    job = run_import("credit_code_checksum.csv", user=city_user)

    assert job.status == Status.INVALID
    assert [i["code"] for i in job.issues_preview] == ["credit_code.checksum"]


# --- Checks that must happen before the commit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "companion"), [("科技人员", "从业人员"), ("境内研发费用(万元)", "研发费用(万元)")], ids=["st", "rd"]
)
def test_file_without_the_companion_column_is_checked_before_commit(
    column, companion, run_import, run_commit, city_user, registry_fingerprint
):
    """科技人员 may not exceed 从业人员, nor 境内研发费用 研发费用. A file that leaves out the second column of a pair
    gives the new row 0 for it: the check must say so, not leave the database to refuse the commit."""
    header = [c for c in HEADER if c != companion]
    rows = [[cell for c, cell in zip(HEADER, make_corpus.enterprise_row(1), strict=True) if c != companion]]
    before = registry_fingerprint()

    job = run_import(_csv(rows, header), user=city_user)

    if job.status == Status.READY:
        try:
            job = run_commit(job, user=city_user)
        except Exception as error:
            job.refresh_from_db()
            pytest.fail(f"the check said ready; the commit then failed: {error!r} (job {job.status!r})")
    assert job.status == Status.INVALID
    assert any(i["row"] == 2 and i["severity"] == "error" for i in job.issues_preview)
    assert registry_fingerprint() == before


def test_new_firm_without_industry_name_column_gets_it_from_the_code(run_import, run_commit, city_user):
    """行业名称 is "filled from the industry code when left empty" (the template says so); a file without the column
    leaves it empty as well."""
    job = run_commit(run_import("good_enterprises.csv", user=city_user), user=city_user)

    assert job.status == Status.COMMITTED
    assert Enterprise.objects.get(credit_code=firm_code("410402", 1)).industry_name == "专用设备制造业"  # division 35


@pytest.mark.parametrize(
    ("uploader", "firm", "status", "county"),
    [
        ("city", "known", Status.READY, "410402"),  # an existing firm keeps its county
        ("county", "known", Status.READY, "410402"),
        ("county", "new", Status.READY, "410402"),  # county staff's own county
        ("city", "new", Status.INVALID, None),  # county.required
    ],
)
def test_file_without_county_column(
    uploader, firm, status, county, run_import, run_commit, city_user, xinhua_user, corpus_registry
):
    """县区 is needed only for a firm new to the registry (and county staff's own county fills it): a file may leave
    the column out."""
    user = city_user if uploader == "city" else xinhua_user
    code, name = (R1["credit_code"], R1["name"]) if firm == "known" else (firm_code("410402", 5), firm_name(5))
    # 50 employees: not fewer than the 20 S&T personnel the registry holds for the known firm's year.
    content = _csv([[code, name, str(YEAR), "50"]], ["统一社会信用代码", "企业名称", "年度", "从业人员"])

    try:
        job = run_import(content, user=user, file_name="no_county.csv")
    except Exception as error:
        job = ImportJob.objects.get(file_name="no_county.csv")
        pytest.fail(f"the check crashed ({error!r}) and left the import {job.status!r}")

    assert job.status == status, job.issues_preview
    if status == Status.INVALID:
        assert [(i["code"], i["row"]) for i in job.issues_preview] == [("county.required", 2)]
        return
    job = run_commit(job, user=user)
    assert job.status == Status.COMMITTED
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.county.code == county
    assert enterprise.indicators.get(year=YEAR).employees == 50


def test_commit_mixed_full_width_and_ascii_digits_are_stored_as_numbers(run_import, run_commit, city_user):
    """ "３2.5" mixes a full-width digit into a plain-looking number; it must be normalised before the COPY path
    hands it to PostgreSQL as text (it once reached it verbatim)."""
    code = firm_code("410402", 7)
    header = ["统一社会信用代码", "企业名称", "县区", "年度", "从业人员", "科技人员", "研发费用", "境内研发费用"]
    job = run_import(
        _csv([[code, firm_name(7), "新华区", str(YEAR), "2０", "１5", "３2.5", "3０"]], header), user=city_user
    )

    job = run_commit(job, user=city_user)

    assert job.status == Status.COMMITTED, job.message
    row = AnnualIndicator.objects.get(enterprise__credit_code=code, year=YEAR)
    assert (row.employees, row.st_personnel) == (20, 15)
    assert (row.rd_expense, row.rd_expense_domestic) == (Decimal("325000.00"), Decimal("300000.00"))
