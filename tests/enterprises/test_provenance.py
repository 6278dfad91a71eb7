import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from enterprises import provenance
from enterprises.models import AnnualIndicator, Conflict, ReconcileMark, SourceKind
from enterprises.provenance import (
    _reconcile_frames,
    _reconcile_sql,
    precedence_rules,
    precedence_set,
    reconcile,
    source_values_record,
)
from tests import factories

DAY = datetime.date(2026, 3, 1)
ALL_KINDS = [SourceKind.DEPARTMENT, SourceKind.SELF_REPORT, SourceKind.SPREADSHEET, SourceKind.STAFF_EDIT]


def _observe(firm, kind, revenue, *, year=2025, as_of=DAY, **more):
    return source_values_record(
        enterprise=firm,
        year=year,
        values={"revenue": revenue, **more},
        source_kind=kind,
        source_name=str(kind),
        as_of=as_of,
        actor=None,
    )


def _revenue(firm, year=2025):
    return AnnualIndicator.objects.get(enterprise=firm, year=year).revenue


@pytest.fixture
def always_incremental(monkeypatch):
    """Runs after the first read only the newly observed figures, however many are new (a test's few observations
    are often more than the share above which a full pass is taken)."""
    monkeypatch.setattr(provenance, "INCREMENTAL_MAX_SHARE", float("inf"))


@pytest.fixture(params=["full", "incremental", "frames"])
def run(request):
    """Every path of the reconciliation: PostgreSQL's statements over all figures, the same since the last run (the
    night's, through `reconcile`), and the pandas steps other databases use."""
    if request.param == "incremental":
        request.getfixturevalue("always_incremental")
        return reconcile
    step = _reconcile_sql if request.param == "full" else _reconcile_frames
    return lambda: step(precedence_rules())


def test_three_sources_give_the_effective_value_by_the_default_order(db, run):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2025, revenue=Decimal("1.00"))
    _observe(firm, SourceKind.STAFF_EDIT, "3000000")
    _observe(firm, SourceKind.SPREADSHEET, "2000000")
    _observe(firm, SourceKind.SELF_REPORT, "1000000")
    result = run()
    assert _revenue(firm) == Decimal("1000000.00")
    assert result.indicators_changed == 1


def test_changing_the_order_changes_the_value_at_the_next_run(db, run, make_user):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2025)
    _observe(firm, SourceKind.DEPARTMENT, "1000000")
    _observe(firm, SourceKind.SPREADSHEET, "2000000")
    run()
    assert _revenue(firm) == Decimal("1000000.00")
    precedence_set(
        field="revenue",
        order=[SourceKind.SPREADSHEET, SourceKind.DEPARTMENT, SourceKind.SELF_REPORT, SourceKind.STAFF_EDIT],
        actor=make_user(Role.CITY_ADMIN),
    )
    assert _revenue(firm) == Decimal("1000000.00")  # not before the run
    run()
    assert _revenue(firm) == Decimal("2000000.00")


def test_a_rerun_with_no_new_data_changes_nothing(db, run):
    firm = factories.EnterpriseFactory()
    _observe(firm, SourceKind.DEPARTMENT, "1000000", employees=40, st_personnel=10)
    _observe(firm, SourceKind.SPREADSHEET, "5000000", employees=41, st_personnel=10)
    first = run()
    assert first.indicators_created == 1
    assert first.conflicts_opened == 2
    second = run()
    assert second.changed_rows == 0
    assert AnnualIndicator.objects.get(enterprise=firm, year=2025).employees == 40


def test_conflicts_above_the_tolerance_are_listed_and_below_are_not(db, run, make_user):
    precedence_set(
        field="revenue",
        order=ALL_KINDS,
        abs_tolerance=Decimal("1000"),
        rel_tolerance=Decimal("0.05"),
        actor=make_user(Role.CITY_ADMIN),
    )
    near = factories.EnterpriseFactory()
    _observe(near, SourceKind.DEPARTMENT, "1000000")
    _observe(near, SourceKind.SPREADSHEET, "1040000")  # 4 % apart: within
    far = factories.EnterpriseFactory()
    _observe(far, SourceKind.DEPARTMENT, "1000000")
    _observe(far, SourceKind.SPREADSHEET, "1100000")  # 10 % apart: a conflict
    small = factories.EnterpriseFactory()
    _observe(small, SourceKind.DEPARTMENT, "100")
    _observe(small, SourceKind.SPREADSHEET, "900")  # 9x apart but under 1,000 yuan: within
    run()
    conflicts = list(Conflict.objects.select_related("winning", "other"))
    assert [(c.enterprise_id, c.status) for c in conflicts] == [(far.pk, Conflict.Status.OPEN)]
    assert conflicts[0].winning.value == Decimal("1000000.00")
    assert conflicts[0].other.value == Decimal("1100000.00")
    assert conflicts[0].other.source_kind == SourceKind.SPREADSHEET


def test_a_conflict_settled_by_newer_data_is_superseded(db, run):
    firm = factories.EnterpriseFactory()
    _observe(firm, SourceKind.DEPARTMENT, "1000000")
    _observe(firm, SourceKind.SPREADSHEET, "2000000")
    run()
    _observe(firm, SourceKind.SPREADSHEET, "1000000", as_of=DAY + datetime.timedelta(days=1))
    result = run()
    assert result.conflicts_superseded == 1
    assert Conflict.objects.get().status == Conflict.Status.SUPERSEDED
    assert run().changed_rows == 0


def test_the_latest_observation_of_a_source_counts(db, run):
    firm = factories.EnterpriseFactory()
    _observe(firm, SourceKind.DEPARTMENT, "1000000", as_of=DAY)
    _observe(firm, SourceKind.DEPARTMENT, "3000000", as_of=DAY + datetime.timedelta(days=30))
    _observe(firm, SourceKind.DEPARTMENT, "2000000", as_of=DAY - datetime.timedelta(days=30))
    run()
    assert _revenue(firm) == Decimal("3000000.00")


def test_fields_without_observations_keep_their_values(db, run):
    firm = factories.EnterpriseFactory(founded_on=datetime.date(2010, 1, 1))
    factories.IndicatorFactory(enterprise=firm, year=2025, revenue=Decimal("5.00"), employees=70)
    _observe(firm, SourceKind.DEPARTMENT, "1000000")
    run()
    row = AnnualIndicator.objects.get(enterprise=firm, year=2025)
    assert (row.revenue, row.employees) == (Decimal("1000000.00"), 70)
    firm.refresh_from_db()
    assert firm.founded_on == datetime.date(2010, 1, 1)


def test_founding_dates_follow_the_order_and_conflict_when_they_differ(db, run):
    firm = factories.EnterpriseFactory(founded_on=datetime.date(2010, 1, 1))
    for kind, day in (
        (SourceKind.SPREADSHEET, datetime.date(2011, 5, 5)),
        (SourceKind.DEPARTMENT, datetime.date(2012, 6, 6)),
    ):
        source_values_record(enterprise=firm, values={"founded_on": day}, source_kind=kind, actor=None)
    result = run()
    firm.refresh_from_db()
    assert firm.founded_on == datetime.date(2012, 6, 6)
    assert result.firms_changed == 1
    assert Conflict.objects.get().field == "founded_on"


def test_a_mixture_breaking_a_constraint_is_left_as_it_is(db, run):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2025, employees=50, st_personnel=20)
    source_values_record(
        enterprise=firm, year=2025, values={"employees": 10}, source_kind=SourceKind.DEPARTMENT, actor=None
    )
    run()
    row = AnnualIndicator.objects.get(enterprise=firm, year=2025)
    assert (row.employees, row.st_personnel) == (50, 20)


def test_reconcile_commits_its_work(db):
    firm = factories.EnterpriseFactory()
    _observe(firm, SourceKind.SELF_REPORT, "700")
    assert reconcile().indicators_created == 1
    assert _revenue(firm) == Decimal("700.00")


# --- What records observations --------------------------------------------------------------------------------------


@pytest.mark.parametrize("postgresql", [True, False], ids=["copy", "orm"])
def test_a_committed_spreadsheet_records_its_values_as_observations(
    run_import, run_commit, make_user, monkeypatch, postgresql
):
    from enterprises.importing import committing
    from enterprises.models import SourceValue
    from tests.data.make_corpus import YEAR, firm_code

    monkeypatch.setattr(committing, "uses_postgresql", lambda: postgresql)
    user = make_user(Role.CITY_STAFF)
    job = run_commit(run_import("good_enterprises.csv", user=user), user=user)
    assert job.status == "committed"
    firm = job.pk and AnnualIndicator.objects.get(enterprise__credit_code=firm_code("410403", 2), year=YEAR).enterprise
    revenue = SourceValue.objects.get(enterprise=firm, field="revenue", year=YEAR)
    assert revenue.value == Decimal("30000000.00")
    assert (revenue.source_kind, revenue.import_job_id, revenue.actor_id) == (SourceKind.SPREADSHEET, job.pk, user.pk)
    assert revenue.source_name == "good_enterprises.csv"
    founded = SourceValue.objects.get(enterprise=firm, field="founded_on")
    assert founded.value_date == firm.founded_on and founded.year is None
    assert reconcile().changed_rows == 0  # the registry already holds what the sheet said
    again = run_commit(run_import("good_enterprises.csv", user=user), user=user)
    assert again.status == "committed"
    assert SourceValue.objects.filter(import_job=again).count() == 0  # nothing changed, nothing observed


def test_the_backfill_gives_values_without_a_source_one_and_only_once(db):
    from django.core.management import call_command

    from enterprises.models import SourceValue

    firm = factories.EnterpriseFactory(founded_on=datetime.date(2012, 1, 1))
    factories.IndicatorFactory(enterprise=firm, year=2025, revenue=Decimal("5000.00"))
    _observe(firm, SourceKind.DEPARTMENT, "6000")
    call_command("record_registry_sources")
    observed = SourceValue.objects.filter(enterprise=firm)
    assert (
        observed.filter(source_kind=SourceKind.SPREADSHEET).count() == 15 + 1
    )  # every figure but revenue, and the date
    assert not observed.filter(field="revenue", source_kind=SourceKind.SPREADSHEET).exists()
    assert _revenue(firm) == Decimal("6000.00")  # the department's value, as before
    before = observed.count()
    call_command("record_registry_sources")
    assert observed.count() == before


def test_a_run_since_the_last_reads_only_newly_observed_figures_and_agrees_with_a_full_run(db, always_incremental):
    firms = factories.EnterpriseFactory.create_batch(3)
    for firm in firms:
        _observe(firm, SourceKind.SPREADSHEET, "1000000")
    assert reconcile().indicators_created == 3
    _observe(firms[0], SourceKind.DEPARTMENT, "3000000")
    # Out of band: a figure changed behind the reconciliation's back on a firm nobody observed since.
    AnnualIndicator.objects.filter(enterprise=firms[1]).update(revenue=Decimal("5.00"))
    result = reconcile()
    assert (result.indicators_changed, result.conflicts_opened) == (1, 1)
    assert _revenue(firms[0]) == Decimal("3000000.00")
    assert _revenue(firms[1]) == Decimal("5.00")  # not read: nothing new was observed of it
    assert reconcile(full=True).indicators_changed == 1  # a full run restores it
    assert _revenue(firms[1]) == Decimal("1000000.00")
    assert reconcile().changed_rows == 0


def test_a_run_after_mostly_new_observations_takes_the_full_pass(db, caplog):
    firms = factories.EnterpriseFactory.create_batch(2)
    for firm in firms:
        _observe(firm, SourceKind.SPREADSHEET, "1000000")
    reconcile()
    AnnualIndicator.objects.filter(enterprise=firms[1]).update(revenue=Decimal("5.00"))
    # The mark far behind the newest observation, as after a list of a million figures: a full pass is faster.
    ReconcileMark.objects.filter(pk=1).update(last_value_id=0)
    caplog.clear()
    with caplog.at_level("INFO", logger="enterprises.provenance"):
        result = reconcile()
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["Sources reconciled (full)"]
    assert result.indicators_changed == 1  # the full pass read the firm nobody observed since
    assert _revenue(firms[1]) == Decimal("1000000.00")
    assert reconcile().changed_rows == 0


@pytest.mark.parametrize("postgresql", [True, False], ids=["copy", "orm"])
def test_a_reimport_records_only_the_cells_that_differ_from_the_sheets_current_observation(
    run_import, run_commit, make_user, monkeypatch, postgresql
):
    from enterprises.importing import committing
    from enterprises.models import SourceValue
    from tests.data.make_corpus import CORPUS_DIR, YEAR, firm_code

    monkeypatch.setattr(committing, "uses_postgresql", lambda: postgresql)
    user = make_user(Role.CITY_STAFF)
    content = (CORPUS_DIR / "good_enterprises.csv").read_bytes()
    first = run_commit(run_import(content, user=user, file_name="first.csv"), user=user)
    assert first.status == "committed"
    firm = AnnualIndicator.objects.get(enterprise__credit_code=firm_code("410403", 2), year=YEAR).enterprise
    # A staff edit below the sheet: the re-import writes the row back, but the sheet says nothing new about it.
    AnnualIndicator.objects.filter(enterprise=firm, year=YEAR).update(employees=99)
    source_values_record(
        enterprise=firm, year=YEAR, values={"employees": 99}, source_kind=SourceKind.STAFF_EDIT, actor=user
    )
    changed = content.replace("3,000万".encode(), "3,500万".encode())
    assert changed != content
    second = run_commit(run_import(changed, user=user, file_name="second.csv"), user=user)
    assert second.status == "committed" and second.updated_rows == 1
    recorded = SourceValue.objects.filter(import_job=second)
    assert [(v.enterprise_id, v.field, v.value) for v in recorded] == [(firm.pk, "revenue", Decimal("35000000.00"))]
    assert AnnualIndicator.objects.get(enterprise=firm, year=YEAR).employees == 85  # the file's value, written
    result = reconcile()  # the same effective values as if every cell had been recorded again
    assert (result.indicators_changed, result.indicators_created, result.firms_changed) == (0, 0, 0)
    assert _revenue(firm, YEAR) == Decimal("35000000.00")
