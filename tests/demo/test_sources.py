"""The demo's sources (demo.sources): deterministic for a seed, in the issue's proportions, and agreeing with the
reconciliation (which finds exactly the conflicts the seeder wrote, and changes no figure)."""

import datetime

import pytest
from django.core.management import call_command

from enterprises.models import (
    Conflict,
    DepartmentList,
    DepartmentMatch,
    Enterprise,
    RegistrationStatus,
    SourceKind,
    SourceValue,
)
from enterprises.provenance import reconcile

AS_OF = datetime.date(2026, 11, 26)
FIRMS = 2000


def _seed(firms=FIRMS, seed=7, reset=False):
    call_command("seed_demo", firms=firms, seed=seed, as_of=AS_OF, reset=reset, stdout=None)


def _fingerprint() -> list:
    return [
        sorted(
            SourceValue.objects.values_list(
                "enterprise__credit_code", "year", "field", "value", "value_date", "source_kind", "source_name", "as_of"
            ),
            key=repr,
        ),
        sorted(DepartmentMatch.objects.values_list("enterprise__credit_code", "department_list", "as_of")),
        sorted(Conflict.objects.values_list("enterprise__credit_code", "field", "status")),
        sorted(
            Enterprise.objects.exclude(registration_status=RegistrationStatus.ACTIVE).values_list(
                "credit_code", "registration_status", "status_as_of"
            )
        ),
    ]


def test_the_same_seed_gives_the_same_sources(db):
    _seed(400)
    first = _fingerprint()
    assert first[0] and first[1]
    _seed(400, reset=True)
    assert _fingerprint() == first


@pytest.fixture
def seeded(db):
    _seed()
    return Enterprise.objects.count()


def test_sources_in_the_issues_proportions(seeded):
    firms = seeded
    by_kind = {
        kind: set(
            SourceValue.objects.filter(source_kind=kind, year=AS_OF.year - 1).values_list("enterprise_id", flat=True)
        )
        for kind in (SourceKind.DEPARTMENT, SourceKind.SPREADSHEET)
    }
    assert len(by_kind[SourceKind.DEPARTMENT]) > 0.85 * firms  # most firms: the departments' lists
    sheet_only = by_kind[SourceKind.SPREADSHEET] - by_kind[SourceKind.DEPARTMENT]
    assert 0.06 * firms < len(sheet_only) < 0.14 * firms
    unmatched = Enterprise.objects.filter(department_matches__isnull=True).count()
    assert 0.015 * firms < unmatched < 0.045 * firms
    assert set(DepartmentMatch.objects.values_list("department_list", flat=True).distinct()) >= {
        DepartmentList.MARKET_REGISTRATION,
        DepartmentList.STATISTICS,
        DepartmentList.PATENTS,
    }
    # Stale: every value in force older than 15 months.
    stale_before = AS_OF - datetime.timedelta(days=456)
    fresh = set(SourceValue.objects.filter(as_of__gt=stale_before).values_list("enterprise_id", flat=True))
    stale = firms - len(fresh)
    assert 0.03 * firms < stale < 0.07 * firms
    # Open conflicts for county staff, on about 2 % of the firms.
    conflicted = Conflict.objects.filter(status=Conflict.Status.OPEN).values("enterprise").distinct().count()
    assert 0.01 * firms < conflicted < 0.03 * firms
    closed = Enterprise.objects.exclude(registration_status=RegistrationStatus.ACTIVE)
    assert closed.count() == 12 and not closed.filter(status_as_of__isnull=True).exists()
    assert not closed.filter(users__isnull=False).exists()  # the demo logins keep their firms


def test_reconciling_the_demo_changes_nothing_and_finds_the_same_conflicts(seeded):
    conflicts = set(Conflict.objects.values_list("winning_id", "other_id"))
    result = reconcile(full=True)
    assert (result.indicators_changed, result.indicators_created, result.firms_changed) == (0, 0, 0)
    assert (result.conflicts_opened, result.conflicts_superseded) == (0, 0)
    assert set(Conflict.objects.values_list("winning_id", "other_id")) == conflicts
