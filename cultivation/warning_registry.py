"""The registry of warning rules (DESIGN §4): each app registers its own from its AppConfig.ready() — cultivation its
four (`cultivation/warning_rules.py`), ip the patent register's, officers the firms without service — and the nightly
service (`cultivation.warnings`) runs every registered rule, in the order registered, knowing none by name.

A rule is a kind (the value stored in CultivationWarning.kind), a label (shown on pages), a finder, and whether its
warnings resolve by themselves once the condition clears. A finder is given one WarningContext and returns rows:
dicts of enterprise_id, severity (a WarningSeverity value), rule (the rule-set value that fired, e.g.
"tags.certificate_expiring_days") and values ({"value", "threshold", "previous"} and, per kind, a few more).

Kept free of cultivation's models: `CultivationWarning.kind` takes its choices from here.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, Q
from django.utils.functional import Promise

from enterprises.models import Qualification, QualificationKind
from rulesets import RuleSet
from scoring.models import ScoringRun


class WarningContext:
    """What every finder is given for one run: the run, the run before it (or None), the day, the rule set, and the
    run's portraits (indexed by firm: tier, readiness, tag_mask, sme_eligible, and the previous run's prev_tier and
    prev_readiness, NaN where the firm was not in it). What several finders need is computed on first use, once."""

    def __init__(self, *, run: ScoringRun, previous: ScoringRun | None, ruleset: RuleSet, portraits: pd.DataFrame):
        self.run = run
        self.previous = previous
        self.on = run.run_date
        self.ruleset = ruleset
        self.portraits = portraits
        self._shared: dict[str, object] = {}

    @property
    def firms(self) -> pd.Index:
        """The firms of the run (only their warnings can be found cleared)."""
        return self.portraits.index

    @cached_property
    def qualifications(self) -> pd.DataFrame:
        """Per firm of the run (one query): `certified` (holds a high-tech certificate valid on the day),
        `certificate_ends` (its latest end, counting a renewal), and the tech-based SME registrations of last year
        (`sme_last_year`) and of this year (`sme_this_year`)."""
        on = self.on
        year_start, last_year_start = datetime.date(on.year, 1, 1), datetime.date(on.year - 1, 1, 1)
        last_year_end = datetime.date(on.year - 1, 12, 31)
        high_tech, tech_sme = QualificationKind.HIGH_TECH, QualificationKind.TECH_SME
        frame = pd.DataFrame(
            Qualification.objects.filter(kind__in=[high_tech, tech_sme], valid_to__gte=last_year_start)
            .order_by()
            .values("enterprise_id")
            .annotate(
                certified=Count("pk", filter=Q(kind=high_tech, valid_from__lte=on, valid_to__gte=on)),
                certificate_ends=Max("valid_to", filter=Q(kind=high_tech, valid_to__gte=on)),
                sme_last_year=Count("pk", filter=Q(kind=tech_sme, valid_from__lte=last_year_end)),
                sme_this_year=Count("pk", filter=Q(kind=tech_sme, valid_from__gte=year_start)),
            ),
            columns=["enterprise_id", "certified", "certificate_ends", "sme_last_year", "sme_this_year"],
        ).set_index("enterprise_id")
        return frame[frame.index.isin(self.firms)]

    @cached_property
    def certified(self) -> pd.DataFrame:
        """The qualifications' rows of the run's firms certified high-tech on the day."""
        return self.qualifications[self.qualifications["certified"] > 0]

    def shared(self, key: str, compute: Callable[[], object]):
        """What an app's finders share beyond the above (e.g. ip's register counts): `compute()` on the first ask
        of `key` in this run, its result afterwards. Prefix keys with the app's name."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]


@dataclass(frozen=True)
class WarningRule:
    kind: str  # stored in CultivationWarning.kind (at most 30 characters)
    label: str | Promise  # translatable, shown on pages
    finder: Callable[[WarningContext], Iterable[dict]]
    # The warning's situation in plain words, with units, from its stored values (shown on pages instead of codes).
    describe: Callable[[dict], str] = lambda values: ""
    # True: a live warning of this kind is resolved by the first run that scores its firm and no longer finds it.
    auto_resolves: bool = True


_RULES: dict[str, WarningRule] = {}


def register_warning_rules(*rules: WarningRule) -> None:
    """Add rules to those the nightly service runs (after the ones already registered). A kind is registered once."""
    for rule in rules:
        if rule.kind in _RULES:
            raise ImproperlyConfigured(f"The warning kind {rule.kind!r} is registered twice.")
        _RULES[rule.kind] = rule


def unregister_warning_rule(kind: str) -> None:
    """Remove a rule (tests register rules of their own and remove them afterwards)."""
    del _RULES[kind]


def warning_rules() -> list[WarningRule]:
    """Every registered rule, in the order registered: the order of the rows the nightly service finds."""
    return list(_RULES.values())


def warning_kinds() -> list[str]:
    return list(_RULES)


def describe_warning(kind: str, values: dict) -> str:
    """A warning's situation in plain words (empty for a kind no longer registered)."""
    rule = _RULES.get(kind)
    return str(rule.describe(values or {})) if rule is not None else ""


def warning_kind_choices() -> list[tuple[str, str | Promise]]:
    """(kind, label) of every registered rule: `CultivationWarning.kind`'s choices, the pages' and the API's
    filters. A callable, so that the migrations refer to it and registering a kind needs no migration."""
    return [(rule.kind, rule.label) for rule in _RULES.values()]
