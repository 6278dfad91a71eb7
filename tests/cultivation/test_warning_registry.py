"""The warning registry: the nightly service runs whatever rules the apps registered, knowing none by name."""

import datetime
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from cultivation.models import CultivationWarning, WarningEvent, WarningSeverity
from cultivation.warning_registry import (
    WarningRule,
    describe_warning,
    register_warning_rules,
    unregister_warning_rule,
    warning_kind_choices,
    warning_kinds,
    warning_rules,
)
from rulesets import get_ruleset
from tests import factories
from tests.cultivation.test_warnings import portrait, publish

DAY1 = datetime.date(2026, 6, 1)
DAY2 = datetime.date(2026, 6, 2)
KIND = "test_readiness_high"
THRESHOLD = 90.0


@pytest.fixture
def register_rule():
    """Register rules for one test; they are removed afterwards, whatever happens."""
    registered = []

    def register(**fields) -> WarningRule:
        rule = WarningRule(**fields)
        register_warning_rules(rule)
        registered.append(rule.kind)
        return rule

    yield register
    for kind in registered:
        if kind in warning_kinds():
            unregister_warning_rule(kind)


def readiness_high(context) -> list[dict]:
    """A rule no app knows: readiness at or above THRESHOLD."""
    portraits = context.portraits
    high = portraits[portraits["readiness"].astype(float) >= THRESHOLD]
    return [
        {"enterprise_id": firm, "severity": WarningSeverity.LOW, "rule": "tests.readiness_high",
         "values": {"value": float(row.readiness), "threshold": THRESHOLD, "previous": None}}
        for firm, row in high.iterrows()
    ]  # fmt: skip


def live(kind):
    return set(
        CultivationWarning.objects.filter(kind=kind, state__in=["open", "acknowledged"]).values_list(
            "enterprise_id", flat=True
        )
    )


def test_the_apps_register_each_kind_once_in_order_with_its_label():
    with translation.override("en"):
        assert [(kind, str(label)) for kind, label in warning_kind_choices()] == [
            ("certificate_expiring", "High-tech certificate expiring"),
            ("certified_breaks_condition", "Certified firm breaks a high-tech condition"),
            ("sme_not_reregistered", "Tech-based SME not re-registered this year"),
            ("readiness_drop", "Readiness dropped sharply"),
            ("ip_falling", "Valid invention patents falling"),
            ("core_ip_lapsed", "High-tech firm's core IP lapsed"),
            ("patent_term_ending", "Patent nearing the end of its term"),
            ("no_service", "Assigned firm without service for too long"),
        ]
    with translation.override("zh-hans"):
        assert [str(label) for _kind, label in warning_kind_choices()] == [
            "高企证书即将到期", "复审风险", "科技型中小企业未重新入库", "晋级成熟度大幅下降", "有效发明专利减少",
            "高新技术企业核心知识产权失效", "专利保护期即将届满", "已指派企业超期未开展服务",
        ]  # fmt: skip
    assert all(rule.auto_resolves for rule in warning_rules())


def test_a_kind_cannot_be_registered_twice():
    kinds = warning_kinds()
    for rule in warning_rules():
        with pytest.raises(ImproperlyConfigured):
            register_warning_rules(rule)
        with pytest.raises(ImproperlyConfigured):
            register_warning_rules(WarningRule(kind=rule.kind, label="Another", finder=readiness_high))
    assert warning_kinds() == kinds


def test_a_registered_rule_is_found_and_auto_resolved_without_the_service_knowing_it(make_run, register_rule):
    seen = []

    def finder(context):
        seen.append(context)
        return readiness_high(context)

    register_rule(kind=KIND, label="Readiness high (test)", finder=finder)
    high, low = factories.EnterpriseFactory.create_batch(2)
    first, second = make_run(DAY1), make_run(DAY2)
    portrait(first, high, readiness=95)
    portrait(first, low, readiness=50)
    portrait(second, high, readiness=85)  # fallen below the threshold, not a readiness drop
    portrait(second, low, readiness=50)

    assert publish(first) == {"opened": 1, "continued": 0, "auto_resolved": 0}
    warning = CultivationWarning.objects.get()
    assert (warning.enterprise, warning.kind, warning.severity, warning.rule, warning.values) == (
        high,
        KIND,
        "low",
        "tests.readiness_high",
        {"value": 95.0, "threshold": THRESHOLD, "previous": None},
    )
    assert warning.get_kind_display() == "Readiness high (test)"

    assert publish(second) == {"opened": 0, "continued": 0, "auto_resolved": 1}
    warning.refresh_from_db()
    assert (warning.state, warning.auto_resolved_run) == ("auto_resolved", second)
    event = WarningEvent.objects.get()
    assert (event.from_state, event.to_state, event.run) == ("open", "auto_resolved", second)

    # One context per run: the run, the one before it, the day, the run's rule set, the portraits with the
    # previous run's tier and readiness.
    context = seen[-1]
    assert (context.run, context.previous, context.on) == (second, first, DAY2)
    assert context.ruleset == get_ruleset(second.ruleset_year)
    assert context.portraits.loc[high.pk, ["tier", "prev_tier", "prev_readiness"]].tolist() == ["t2", "t2", 95]


def test_a_rule_that_does_not_auto_resolve_and_a_kind_no_rule_looks_for_stay_live(make_run, register_rule):
    register_rule(kind=KIND, label="Readiness high (test)", finder=readiness_high, auto_resolves=False)
    register_rule(kind="test_gone", label="Gone (test)", finder=readiness_high)
    firm = factories.EnterpriseFactory()
    first, second = make_run(DAY1), make_run(DAY2)
    portrait(first, firm, readiness=95)
    portrait(second, firm, readiness=85)
    assert publish(first)["opened"] == 2
    unregister_warning_rule("test_gone")  # its app is gone: nothing says whether its condition cleared
    assert publish(second) == {"opened": 0, "continued": 0, "auto_resolved": 0}
    assert live(KIND) == live("test_gone") == {firm.pk}


def test_pages_and_api_filter_on_the_registered_kinds(client, make_user, make_run, register_rule):
    register_rule(kind=KIND, label="Readiness high (test)", finder=readiness_high)
    firm = factories.EnterpriseFactory(county=factories.county("410402"))
    run = make_run(DAY1)
    portrait(run, firm, readiness=95)
    publish(run)
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("cultivation:warnings"), {"kind": KIND})
    assert [warning.enterprise_id for warning in response.context["page"].object_list] == [firm.pk]
    assert (KIND, "Readiness high (test)") in response.context["kind_choices"]
    assert "Readiness high (test)" in response.content.decode()
    results = client.get("/api/v1/warnings/", {"kind": KIND}).json()["results"]
    assert [(row["kind"], row["kind_label"]) for row in results] == [(KIND, "Readiness high (test)")]
    assert client.get("/api/v1/warnings/", {"kind": "not_registered"}).status_code == 400


SAMPLE_VALUES = {
    "certificate_expiring": {"value": 42, "threshold": 365, "previous": None, "valid_to": "2027-01-18"},
    "certified_breaks_condition": {"value": ["rd_ratio", "capability"], "threshold": None, "previous": None},
    "sme_not_reregistered": {"value": 0, "threshold": 1, "previous": 1, "year": 2026},
    "readiness_drop": {"value": 41.5, "threshold": 15.0, "previous": 63.0, "tier": "t2"},
    "ip_falling": {"value": 1, "threshold": 1, "previous": 3, "year": 2025},
    "core_ip_lapsed": {"value": [0, 4], "threshold": [1, 5], "previous": None, "patents": []},
    "patent_term_ending": {"value": 2, "threshold": 365, "previous": None, "first_ends": "2027-03-01", "patents": []},
    "no_service": {"value": 120, "threshold": 90, "previous": None, "last_service": "2026-08-08", "officer": "王军"},
}


def test_every_kind_describes_its_situation_in_words_without_codes():
    assert set(warning_kinds()) == set(SAMPLE_VALUES)
    with translation.override("zh-hans"):
        for kind, values in SAMPLE_VALUES.items():
            text = describe_warning(kind, values)
            assert text, kind
            assert not re.search(r"[a-z]+_[a-z_]+|\bt[0-3]\b", text), (kind, text)
        broken = describe_warning("certified_breaks_condition", SAMPLE_VALUES["certified_breaks_condition"])
    assert broken == "最新数据已不满足：研发投入强度、创新能力评价。"
