"""The figures each rung's rules read (scoring/rules.py), once: what the data-quality page (quality/) checks is
present and fresh for the firms each rung decides about.

A need is a figure and how many of the firm's latest years the rules read of it: 0 for a firm's own field (the
founding date: an observation without a year), 1 for the latest year only (`<field>_3`), 2 for the latest two
(`_2`, `_3`), 3 for all three. `tests/scoring/test_needs.py` runs each rung's rule functions over a frame that
records the columns they read and checks that this table names exactly the registry figures they read.

Not covered: what is not a registry figure with sources (the high-tech field, qualifications, achievements, the
patent register's counts, which replace the yearly IP counts for a firm that keeps a register).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

IP_FIELDS = ("invention_patents", "other_class1_ip", "utility_models", "designs", "software_copyrights")


@dataclass(frozen=True)
class Rung:
    key: str
    label: str
    # Who the rung's rules decide about, in plain words (the page says it).
    candidates: str
    # The figures read: (field, years) with years 0 (the firm's own field), 1, 2 or 3 (its latest years).
    needs: tuple[tuple[str, int], ...]


def _ip(years: int = 1) -> tuple[tuple[str, int], ...]:
    return tuple((field, years) for field in IP_FIELDS)


RUNGS = (
    # rules.innovation_signal: R&D in three years, IP, S&T staff (and qualifications).
    Rung(
        "t1",
        _("Innovation signal (T1)"),
        _("firms in business not yet in the pool"),
        (("rd_expense", 3), ("st_personnel", 1), *_ip()),
    ),
    # rules.tech_sme and rules.tech_sme_gaps: eligibility, S&T ratio, R&D against revenue or costs, IP.
    Rung(
        "t2",
        _("Tech-based SME (T2)"),
        _("firms in T1, to become tech-based SMEs"),
        (
            ("employees", 1),
            ("st_personnel", 1),
            ("revenue", 1),
            ("total_costs", 1),
            ("rd_expense", 1),
            ("total_assets", 1),
            *_ip(),
        ),
    ),
    # rules.high_tech (with rules.capability): the eight conditions and the capability estimate.
    Rung(
        "t3",
        _("High-tech certificate (T3)"),
        _("firms in T2, to gain the high-tech certificate"),
        (
            ("founded_on", 0),
            ("employees", 1),
            ("st_personnel", 1),
            ("revenue", 3),
            ("rd_expense", 3),
            ("rd_expense_domestic", 3),
            ("high_tech_revenue", 1),
            ("total_assets", 3),
            ("total_liabilities", 3),
            ("results_converted", 3),
            *_ip(),
        ),
    ),
    # rules.innovative_sme, rules.gazelle, rules.srdi (with rules.srdi_model): the strong firms' rungs.
    Rung(
        "strong",
        _("Strong firms (innovative SME, gazelle, specialised and new)"),
        _("certified high-tech firms (T3), to grow stronger"),
        (
            ("founded_on", 0),
            ("employees", 1),
            ("st_personnel", 1),
            ("revenue", 3),
            ("main_business_revenue", 3),
            ("rd_expense", 2),
            ("total_assets", 1),
            ("total_liabilities", 1),
            *_ip(),
        ),
    ),
)
RUNG_BY_KEY = {rung.key: rung for rung in RUNGS}
