"""scoring/needs.py names exactly the registry figures (and years) each rung's rules read."""

import re

import pandas as pd
import pytest

from enterprises.models import SOURCE_FIELDS
from rulesets import get_ruleset
from scoring import rules
from scoring.needs import RUNG_BY_KEY, RUNGS
from tests.scoring.builders import ON, firm, frame

READ: set[str] = set()


class _Recording(pd.DataFrame):
    """A frame noting every column read through [] (a name or a list of names)."""

    @property
    def _constructor(self):
        return _Recording

    def __getitem__(self, key):
        names = key if isinstance(key, list) else [key]
        READ.update(name for name in names if isinstance(name, str))
        return super().__getitem__(key)


def _strong(data, ruleset):
    class1, class2 = rules.ip_counts(data)
    isme = rules.innovative_sme(data, ruleset, class1, class2)
    rules.gazelle(data, ruleset)
    rules.srdi(data, ruleset, ON, isme["isme_score"])


RULES_OF_RUNG = {
    "t1": lambda data, ruleset: rules.innovation_signal(data),
    "t2": lambda data, ruleset: rules.tech_sme_gaps(data, rules.tech_sme(data, ruleset), ruleset),
    "t3": lambda data, ruleset: rules.high_tech(data, ruleset, ON),
    "strong": _strong,
}


def _years_read(names) -> dict[str, int]:
    """Of the columns read that are registry figures with sources (`revenue_1`, `founded_on`): each figure and how
    many latest years reach back to the oldest year read (0: the firm's own field)."""
    figure = re.compile(r"^(?P<field>.+?)(_(?P<year>[123]))?$")
    years = {}
    for name in names:
        match = figure.match(name)
        if match and match["field"] in SOURCE_FIELDS:
            back = 4 - int(match["year"]) if match["year"] else 0
            years[match["field"]] = max(years.get(match["field"], 0), back)
    return years


def test_every_rung_has_its_rules():
    assert set(RULES_OF_RUNG) == set(RUNG_BY_KEY)


@pytest.mark.parametrize("rung", RUNGS, ids=lambda rung: rung.key)
def test_needs_are_the_registry_figures_the_rules_read(rung):
    ruleset = get_ruleset(ON.year)
    data = frame(firm(rd_expense=100000, st_personnel=10, invention_patents=1), firm())
    data = pd.concat([data, rules.achievement_columns(None, data.index, ruleset, ON)], axis=1)
    READ.clear()
    RULES_OF_RUNG[rung.key](_Recording(data), ruleset)
    assert dict(rung.needs) == _years_read(READ)
    assert all(field in SOURCE_FIELDS for field, _years in rung.needs)
