"""Machine-readable policy conditions: a small declarative schema over the scoring rules' vocabulary.

A policy's conditions are a JSON list of `{"field": key, "op": operator, "value": value}`, all of which must hold.
Every field is declared once in FIELDS, with its label, unit, allowed operators and the column of the matching frame
(policies.matching.matching_frame: a run's portrait columns beside the scoring frame's latest-year quantities,
computed with scoring.rules' own helpers). Nothing is evaluated from text: a condition is validated against the
registry, then compared column-wise in numpy (`condition_met`), so 50 policies over 200,000 firms take well under a
second.

Units as stored: money in yuan (a decimal string, exact), ratios as decimal fractions ("0.03" is 3%), counts and
scores as numbers, booleans as true/false, choices as a list of codes. Unknown data (no figures) never meets a
numeric condition.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from enterprises.models import HighTechField
from scoring.models import SizeClass, Tier
from scoring.rules import CENTS, cents

BOOL, CHOICE, MONEY, RATIO, COUNT, SCORE = "bool", "choice", "money", "ratio", "count", "score"
NUMERIC_KINDS = frozenset({MONEY, RATIO, COUNT, SCORE})
KIND_WORDS = {
    BOOL: _("yes or no"),
    MONEY: _("an amount in yuan"),
    RATIO: _("a ratio (3% or 0.03)"),
    COUNT: _("a whole number"),
    SCORE: _("a score"),
}

OPERATORS = {
    "is": _("is"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "gte": "≥",
    "lte": "≤",
    "gt": ">",
    "lt": "<",
}
# What a condition asks for, in words ("at least 3%").
WANTED = {
    "gte": _("at least %(target)s wanted"),
    "lte": _("at most %(target)s wanted"),
    "gt": _("more than %(target)s wanted"),
    "lt": _("less than %(target)s wanted"),
}
OPERATORS_BY_KIND = {
    BOOL: ("is",),
    CHOICE: ("in", "not_in"),
    MONEY: ("gte", "lte", "gt", "lt"),
    RATIO: ("gte", "lte", "gt", "lt"),
    COUNT: ("gte", "lte", "gt", "lt"),
    SCORE: ("gte", "lte", "gt", "lt"),
}
MAX_CONDITIONS = 12


def _county_choices():
    from enterprises.models import County

    return list(County.objects.order_by("code").values_list("code", "name"))


def _division_choices():
    from enterprises.industries import INDUSTRY_DIVISIONS

    return sorted(INDUSTRY_DIVISIONS.items())


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str
    column: str
    # False for what a firm cannot change (its county, its industry): failing only such a condition is not "nearly".
    attainable: bool = True
    choices: object = None  # a callable returning [(code, label)]
    # ngettext pair for the gap of a count ("%(count)s more invention patent").
    more: tuple[str, str] | None = None
    minimum: Decimal | None = Decimal("0")
    maximum: Decimal | None = None
    help: str = ""
    operators: tuple[str, ...] = field(default=())

    def allowed_operators(self) -> tuple[str, ...]:
        return self.operators or OPERATORS_BY_KIND[self.kind]

    def value_words(self) -> str:
        """What the condition's value is, in words: the kind, and for a choice the names to choose from."""
        if self.kind == CHOICE:
            names = list(self.choice_labels().values())
            shown = "、".join(names[:12]) + ("…" if len(names) > 12 else "")
            return str(_("one or more of: %(names)s")) % {"names": shown}
        return str(KIND_WORDS[self.kind])

    def choice_labels(self) -> dict[str, str]:
        return {str(code): str(label) for code, label in (self.choices() if self.choices else [])}


FIELDS: dict[str, Field] = {
    item.key: item
    for item in (
        # Qualifications valid on the run's day (scoring.frames q_<kind>).
        Field("tech_sme_registered", _("Registered tech-based SME this year"), BOOL, "q_tech_sme"),
        Field("high_tech_valid", _("Valid high-tech certificate"), BOOL, "q_high_tech"),
        Field("gazelle", _("Gazelle enterprise"), BOOL, "q_gazelle"),
        Field("srdi", _("Specialised and innovative SME (provincial or national)"), BOOL, "q_srdi"),
        Field("rd_platform", _("Provincial R&D platform"), BOOL, "q_rd_platform"),
        # The portrait's verdicts (scoring.rules).
        Field("sme_eligible", _("Eligible for the tech-based SME evaluation"), BOOL, "sme_eligible"),
        Field("sme_passes", _("Passes the tech-based SME evaluation"), BOOL, "sme_passes"),
        Field("innovative", _("Innovative enterprise"), BOOL, "innovative"),
        Field("above_scale", _("Above designated size"), BOOL, "above_scale"),
        Field("innovative_sme_passes", _("Passes the innovative-SME evaluation"), BOOL, "innovative_sme_passes"),
        Field("gazelle_candidate", _("Gazelle candidate"), BOOL, "gazelle_candidate"),
        Field("srdi_candidate", _("Specialised-and-innovative candidate"), BOOL, "srdi_candidate"),
        Field("county", _("County"), CHOICE, "county", attainable=False, choices=_county_choices),
        Field("tier", _("Tier"), CHOICE, "tier", choices=lambda: Tier.choices),
        Field("industry_division", _("Industry division"), CHOICE, "industry_division", attainable=False,
              choices=_division_choices),
        Field("high_tech_field", _("High-tech field"), CHOICE, "high_tech_field",
              choices=lambda: HighTechField.choices),
        Field("size_class", _("Size class"), CHOICE, "size_class", choices=lambda: SizeClass.choices),
        # Latest-year figures and the rules' ratios.
        Field("revenue", _("Revenue (latest year)"), MONEY, "revenue"),
        Field("total_assets", _("Total assets (latest year)"), MONEY, "total_assets"),
        Field("rd_expense", _("R&D expense (latest year)"), MONEY, "rd_expense"),
        Field("employees", _("Employees"), COUNT, "employees",
              more=("%(count)s more employee", "%(count)s more employees")),
        Field("rd_ratio", _("R&D ratio (latest year, R&D / revenue)"), RATIO, "rd_ratio"),
        Field("rd_ratio_3y", _("R&D ratio over three years"), RATIO, "rd_ratio_3y"),
        Field("st_ratio", _("S&T personnel share"), RATIO, "st_ratio", maximum=Decimal("1")),
        Field("high_tech_share", _("High-tech product revenue share"), RATIO, "high_tech_share", maximum=Decimal("1")),
        Field("revenue_growth", _("Revenue growth"), RATIO, "revenue_growth", minimum=Decimal("-1")),
        Field("invention_patents", _("Invention patents"), COUNT, "invention_patents",
              more=("%(count)s more invention patent", "%(count)s more invention patents")),
        Field("class1_ip", _("Class I IP"), COUNT, "class1_ip",
              more=("%(count)s more Class I IP item", "%(count)s more Class I IP items")),
        Field("class2_ip", _("Class II IP"), COUNT, "class2_ip",
              more=("%(count)s more Class II IP item", "%(count)s more Class II IP items")),
        Field("years_since_founded", _("Years since founded"), COUNT, "years_since_founded",
              more=("%(count)s more year", "%(count)s more years")),
        Field("sme_score", _("Tech-based SME score"), SCORE, "sme_score", maximum=Decimal("100")),
        Field("capability_estimate", _("Innovation-capability estimate"), SCORE, "capability_estimate",
              maximum=Decimal("100")),
        Field("innovative_sme_score", _("Innovative-SME score"), SCORE, "innovative_sme_score", maximum=Decimal("100")),
        Field("conditions_met", _("High-tech conditions met"), COUNT, "conditions_met", maximum=Decimal("8")),
        Field("readiness", _("Readiness"), SCORE, "readiness", maximum=Decimal("100")),
    )
}  # fmt: skip


def field_choices() -> list[tuple[str, str]]:
    return [(item.key, item.label) for item in FIELDS.values()]


# ---------------------------------------------------------------------------------------------------------------
# Validation


def _number(value, *, where: str, item: Field) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError(_("%(where)s: the value must be a number.") % {"where": where})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(_("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(where)s: the value must be a finite number.") % {"where": where})
    if item.minimum is not None and number < item.minimum:
        message = _("%(where)s: the value must be at least %(min)s.")
        raise ValidationError(message % {"where": where, "min": item.minimum})
    if item.maximum is not None and number > item.maximum:
        message = _("%(where)s: the value must be at most %(max)s.")
        raise ValidationError(message % {"where": where, "max": item.maximum})
    return number


def clean_condition(raw, *, position: int) -> dict:
    """One condition, checked against the registry and normalised (money and ratios as decimal strings)."""
    where = _("condition %(n)s") % {"n": position}
    if not isinstance(raw, dict) or set(raw) - {"field", "op", "value"}:
        raise ValidationError(_("%(where)s: expected an object with field, op and value.") % {"where": where})
    key, op, value = raw.get("field"), raw.get("op"), raw.get("value")
    item = FIELDS.get(key) if isinstance(key, str) else None
    if item is None:
        raise ValidationError(_("%(where)s: unknown field “%(field)s”.") % {"where": where, "field": key})
    where = f"{where} ({item.label})"
    if op not in item.allowed_operators():
        allowed = ", ".join(item.allowed_operators())
        raise ValidationError(
            _("%(where)s: operator “%(op)s” is not allowed; use one of %(allowed)s.")
            % {"where": where, "op": op, "allowed": allowed}
        )
    if item.kind == BOOL:
        if not isinstance(value, bool):
            raise ValidationError(_("%(where)s: the value must be true or false.") % {"where": where})
        return {"field": key, "op": op, "value": value}
    if item.kind == CHOICE:
        codes = value if isinstance(value, list) else None
        if not codes or not all(isinstance(code, str) for code in codes):
            raise ValidationError(_("%(where)s: the value must be a non-empty list of codes.") % {"where": where})
        known = item.choice_labels()
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValidationError(
                _("%(where)s: unknown code(s) %(codes)s.") % {"where": where, "codes": ", ".join(unknown)}
            )
        return {"field": key, "op": op, "value": sorted(set(codes))}
    number = _number(value, where=where, item=item)
    if item.kind == COUNT and number != number.to_integral_value():
        raise ValidationError(_("%(where)s: the value must be a whole number.") % {"where": where})
    if item.kind in (MONEY, RATIO):
        return {"field": key, "op": op, "value": str(number)}
    return {"field": key, "op": op, "value": int(number) if item.kind == COUNT else float(number)}


def clean_conditions(raw) -> list[dict]:
    """A policy's conditions, each checked; the first problem is raised with its position."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ValidationError(_("Conditions must be a list."))
    if len(raw) > MAX_CONDITIONS:
        raise ValidationError(_("At most %(max)s conditions.") % {"max": MAX_CONDITIONS})
    return [clean_condition(item, position=number) for number, item in enumerate(raw, start=1)]


# ---------------------------------------------------------------------------------------------------------------
# Evaluation over a frame (one row per firm)


def frame_target(item: Field, value) -> float:
    """The condition's value in the frame's units (money as float cents, exact; see scoring.rules)."""
    if item.kind == MONEY:
        return cents(Decimal(value))
    return float(Decimal(str(value)))


def condition_met(frame: pd.DataFrame, condition: dict) -> np.ndarray:
    """Boolean per firm. Unknown values (NaN) never meet a numeric condition."""
    item = FIELDS[condition["field"]]
    values = frame[item.column]
    op = condition["op"]
    if item.kind == BOOL:
        flags = values.fillna(False).to_numpy(dtype=bool)
        return flags if condition["value"] else ~flags
    if item.kind == CHOICE:
        inside = values.isin(condition["value"]).to_numpy()
        return inside if op == "in" else ~inside
    numbers = values.to_numpy(dtype=float)
    target = frame_target(item, condition["value"])
    with np.errstate(invalid="ignore"):
        if op == "gte":
            return numbers >= target
        if op == "lte":
            return numbers <= target
        if op == "gt":
            return numbers > target
        return numbers < target


def actual_values(frame: pd.DataFrame, condition: dict) -> np.ndarray:
    """The firm's value for a condition as stored with a near-miss: yuan, fractions, counts; NaN for choices."""
    item = FIELDS[condition["field"]]
    if item.kind == CHOICE:
        return np.full(len(frame), np.nan)
    numbers = frame[item.column].astype(float).to_numpy()
    return numbers / CENTS if item.kind == MONEY else numbers


@dataclass
class Evaluation:
    """Per firm: 1 meets, 2 nearly meets (fails exactly one attainable condition), 0 neither; the failed
    condition's index and the firm's value for it."""

    status: np.ndarray
    missing_index: np.ndarray
    missing_actual: np.ndarray


MEETS, NEARLY = 1, 2


def evaluate(frame: pd.DataFrame, conditions: list[dict]) -> Evaluation:
    size = len(frame)
    if not conditions:
        return Evaluation(np.full(size, MEETS, dtype=np.int8), np.full(size, -1), np.full(size, np.nan))
    # Where exactly one condition fails (the only rows it is read for), the sum of failed indexes is that index:
    # one pass per condition in int8 (at most MAX_CONDITIONS), instead of an argmin across a conditions-by-firms
    # matrix (strided, slower).
    failed = np.zeros(size, dtype=np.int8)
    failed_index = np.zeros(size, dtype=np.int8)
    for index, condition in enumerate(conditions):
        missed = (~condition_met(frame, condition)).view(np.int8)
        failed += missed
        if index:
            failed_index += missed * np.int8(index)
    # A single-condition policy has no "nearly": every firm failing it would be a near miss.
    nearly = (failed == 1) & (len(conditions) > 1)
    attainable = np.array([FIELDS[c["field"]].attainable for c in conditions])
    if not attainable.all():
        nearly &= attainable[np.where(nearly, failed_index, 0)]  # elsewhere the sum may point past the conditions
    status = np.where(failed == 0, MEETS, np.where(nearly, NEARLY, 0)).astype(np.int8)
    missing_index = np.where(nearly, failed_index, np.int8(-1))
    missing_actual = np.full(size, np.nan)
    for index, condition in enumerate(conditions):
        rows = missing_index == index
        if rows.any():
            missing_actual[rows] = actual_values(frame, condition)[rows]
    return Evaluation(status, missing_index, missing_actual)


# ---------------------------------------------------------------------------------------------------------------
# Words


def _format(item: Field, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return str(_("no data"))
    number = Decimal(str(value))
    if item.kind == MONEY:
        if abs(number) >= 10000:
            amount = (number / 10000).quantize(Decimal("0.01")).normalize()
            return _("%(amount)s 万元") % {"amount": number_format(amount)}
        return _("%(amount)s yuan") % {"amount": number_format(number.normalize())}
    if item.kind == RATIO:
        percent = (number * 100).quantize(Decimal("0.1")).normalize()
        return f"{number_format(percent)}%"
    if item.kind == COUNT:
        return number_format(number.to_integral_value())
    return number_format(number.quantize(Decimal("0.1")).normalize())


def describe(condition: dict) -> str:
    """A condition in words: "R&D ratio (latest year) ≥ 3%"."""
    item = FIELDS.get(condition.get("field"))
    if item is None:
        return str(_("unknown condition"))
    value = condition["value"]
    if item.kind == BOOL:
        return str(item.label) if value else str(_("not: %(label)s") % {"label": item.label})
    if item.kind == CHOICE:
        labels = item.choice_labels()
        names = ", ".join(labels.get(code, code) for code in value)
        return f"{item.label} {OPERATORS[condition['op']]} {names}"
    return f"{item.label} {OPERATORS[condition['op']]} {_format(item, value)}"


def describe_gap(condition: dict, actual) -> str:
    """What a nearly-qualifying firm lacks: "1 more invention patent (2 → 3)", "R&D ratio 2.1% → ≥ 3%", or the
    condition itself ("Valid high-tech certificate")."""
    item = FIELDS.get(condition.get("field"))
    if item is None:
        return str(_("a condition changed since the last matching"))
    unknown = actual is None or (isinstance(actual, float) and math.isnan(actual))
    if item.kind in (BOOL, CHOICE):
        return describe(condition)
    wanted = str(WANTED[condition["op"]]) % {"target": _format(item, condition["value"])}
    if unknown:
        return str(_("%(label)s: no data yet (%(wanted)s)")) % {"label": item.label, "wanted": wanted}
    target = Decimal(str(condition["value"]))
    current = Decimal(str(actual))
    if item.kind == COUNT and condition["op"] in ("gte", "gt") and item.more:
        needed = int(target - current) + (1 if condition["op"] == "gt" else 0)
        needed = max(needed, 1)
        more = ngettext(item.more[0], item.more[1], needed) % {"count": needed}
        return str(_("%(more)s (now %(current)s, %(wanted)s)")) % {
            "more": more,
            "current": _format(item, current),
            "wanted": wanted,
        }
    return str(_("%(label)s is %(current)s, %(wanted)s")) % {
        "label": item.label,
        "current": _format(item, current),
        "wanted": wanted,
    }
