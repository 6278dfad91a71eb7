"""The register drives the rules' IP counts and the patent warnings, run after run."""

import datetime

import pytest

from accounts.models import Role
from cultivation.models import CultivationWarning, WarningSeverity
from enterprises.models import QualificationKind
from ip.models import IpKind, LegalStatus
from ip.services import patent_save
from ip.warnings import CORE_IP_LAPSED, IP_FALLING, PATENT_TERM_ENDING
from pipeline import nightly
from scoring.models import Portrait
from tests import factories
from tests.ip.factories import PatentFactory

DAY1 = datetime.date(2026, 6, 1)
DAY2 = datetime.date(2026, 6, 2)


@pytest.fixture
def run_scoring(db, django_capture_on_commit_callbacks):
    def run(on):
        with django_capture_on_commit_callbacks(execute=True):
            started = nightly.start_run(on=on, force=True)
        started.refresh_from_db()
        return started

    return run


def _details(run, firm) -> dict:
    return Portrait.objects.select_related("run").get(run=run, enterprise=firm).details


def _live(firm, kind):
    return CultivationWarning.objects.filter(enterprise=firm, kind=kind, state__in=["open", "acknowledged"]).first()


def test_transfer_out_raises_the_warning_and_lowers_class1_on_the_next_run(run_scoring, make_user):
    firm = factories.EnterpriseFactory()
    for year in (2023, 2024, 2025):  # the indicators claim more patents than the register holds
        factories.IndicatorFactory(enterprise=firm, year=year, invention_patents=5, utility_models=0)
    kept, sold = PatentFactory.create_batch(2, enterprise=firm)
    PatentFactory(enterprise=firm, kind=IpKind.UTILITY_MODEL, number="202020000001.1")
    without_register = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=without_register, year=2025, invention_patents=3)

    first = run_scoring(DAY1)
    details = _details(first, firm)
    assert (details["sme_class1"], details["sme_class2"], details["ip_from_register"]) == (2, 1, True)
    other = _details(first, without_register)
    assert (other["sme_class1"], other["ip_from_register"]) == (3, False)
    assert _live(firm, IP_FALLING.kind) is None

    patent_save(
        enterprise=firm,
        patent=sold,
        values={"transferred_out_on": DAY2, "transferred_to": "洛阳某机械有限公司"},
        actor=make_user(Role.CITY_STAFF),
    )
    second = run_scoring(DAY2)
    assert _details(second, firm)["sme_class1"] == 1
    warning = _live(firm, IP_FALLING.kind)
    assert warning is not None and warning.rule == "patent_warnings.loss_window_days"
    assert (warning.values["value"], warning.values["previous"]) == (1, 2)
    assert [(p["number"], p["reason"], p["on"]) for p in warning.values["patents"]] == [
        (sold.number, "transferred_out", DAY2.isoformat())
    ]
    assert kept.number not in str(warning.values)


def test_register_firm_ignores_the_indicators_fall_and_certified_core_ip_lapse_is_high(run_scoring):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2024, invention_patents=4)
    factories.IndicatorFactory(enterprise=firm, year=2025, invention_patents=1)  # a fall, by the indicators
    factories.QualificationFactory(
        enterprise=firm, kind=QualificationKind.HIGH_TECH, valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )  # fmt: skip
    PatentFactory(enterprise=firm, legal_status=LegalStatus.LAPSED, status_on=DAY1 - datetime.timedelta(days=10))
    run_scoring(DAY1)
    falling = _live(firm, IP_FALLING.kind)
    assert falling.values["source"] == "register"  # not the indicators' year-on-year comparison
    core = _live(firm, CORE_IP_LAPSED.kind)
    assert core.severity == WarningSeverity.HIGH  # no Class I left and no 5 Class II: the certificate is at risk
    assert [p["reason"] for p in core.values["patents"]] == ["lapsed"]


def test_patent_nearing_the_end_of_its_term_is_named(run_scoring):
    firm = factories.EnterpriseFactory()
    factories.IndicatorFactory(enterprise=firm, year=2025)
    ending = PatentFactory(enterprise=firm, filed_on=datetime.date(2006, 8, 1), granted_on=datetime.date(2009, 1, 1))
    PatentFactory(enterprise=firm)  # filed 2020: decades left
    run_scoring(DAY1)
    warning = _live(firm, PATENT_TERM_ENDING.kind)
    assert warning.severity == WarningSeverity.HIGH  # an invention patent ending within 90 days
    assert [p["number"] for p in warning.values["patents"]] == [ending.number]
    assert warning.values["first_ends"] == "2026-08-01"
