"""The official rules as pure, vectorised functions over pandas DataFrames (one row per firm, indexed by firm id).

No ORM, no loop over firms: every function takes columns and returns columns. The input frame (see
scoring.frames.FRAME_COLUMNS) carries each indicator for the firm's latest three years as `<field>_1` (two years
before the latest), `<field>_2` and `<field>_3` (the latest year), NaN where a year is missing; money is in integer
**cents** held in float64, which is exact up to 2^53 cents. Every threshold comes from the rule set.

Exactness at band edges: a ratio is compared as `a / b >= t` where a and b are exact integers and t is the float of
the Decimal threshold. IEEE division is correctly rounded, so when a/b equals t exactly both sides round to the same
float, and distinct rationals of realistic size never collapse onto it: exactly 10%, 2%, 50 M land in their band.
Growth rates, which chain several divisions, are rounded to 9 decimals before comparison.

Unknown is NaN: a condition whose data is missing is neither met nor failed.
"""

import datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from rulesets import Bands, RangeBands, RuleSet, level_rank

CENTS = 100
GROWTH_DECIMALS = 9

IP_CLASS1_FIELDS = ("invention_patents", "other_class1_ip")
IP_CLASS2_FIELDS = ("utility_models", "designs", "software_copyrights")

TIER_OUTSIDE, TIER_T1, TIER_T2, TIER_T3 = "outside", "t1", "t2", "t3"
TIERS = (TIER_OUTSIDE, TIER_T1, TIER_T2, TIER_T3)

# Tag codes and their bit in Portrait.tag_mask. Append only: a bit, once used, keeps its meaning.
TAG_BITS = {
    "rd_blank": 1,  # 研发空白: no R&D expense in the latest year
    "ip_weak": 2,  # 知识产权薄弱: neither 1 Class I nor 5 Class II IP
    "high_growth": 4,  # 高成长: revenue growth at or above the rule set's rate
    "near_threshold": 8,  # 临界: just below a threshold of the next rung
    "certificate_expiring": 16,  # 证书将到期: high-tech certificate ending soon
    "audit_risk": 32,  # 复审风险: certified, but the latest data breaks a condition
}

HIGH_TECH_CONDITIONS = ("registered", "core_ip", "field", "st_personnel", "rd_ratio", "high_tech_revenue",
                        "capability", "no_incident")  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Building blocks


def cents(amount: Decimal) -> float:
    """A rule-set amount in yuan as the frames' float cents (exact)."""
    return float(amount * CENTS)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is missing or not positive."""
    return numerator.where(denominator > 0) / denominator.where(denominator > 0)


def at_least(values: pd.Series, bound) -> pd.Series:
    """values >= bound as floats 1.0 / 0.0, NaN where the value is unknown."""
    return (values >= float(bound)).astype(float).where(values.notna())


def band_points(values: pd.Series, bands: Bands) -> pd.Series:
    """Points of the first band whose lower bound (inclusive) the value reaches; 0 below all or unknown."""
    conditions = [values >= float(bound) for bound, _points in bands]
    return pd.Series(np.select(conditions, [points for _bound, points in bands], 0), index=values.index)


def range_band(values: pd.Series, bands: RangeBands) -> tuple[pd.Series, pd.Series]:
    """(lowest, highest) points of the first range band the value reaches; (0, 0) below all or unknown."""
    conditions = [values >= float(bound) for bound, _low, _high in bands]
    low = np.select(conditions, [low for _bound, low, _high in bands], 0)
    high = np.select(conditions, [high for _bound, _low, high in bands], 0)
    return pd.Series(low, index=values.index), pd.Series(high, index=values.index)


def next_bound(values: pd.Series, bands: Bands) -> pd.Series:
    """The lowest band bound above the value (the next band up), NaN when the value is in the top band."""
    ascending = sorted(float(bound) for bound, _points in bands)
    filled = values.fillna(-np.inf)
    return pd.Series(np.select([filled < bound for bound in ascending], ascending, np.nan), index=values.index)


def people_to_ratio(staff: pd.Series, total: pd.Series, target: pd.Series | float) -> pd.Series:
    """New S&T hires x so that (staff + x) / (total + x) reaches `target`: ceil((t·total − staff) / (1 − t))."""
    needed = np.ceil(np.round((target * total - staff) / (1 - target), 6))
    return needed.clip(lower=0)


def growth_rate(v1: pd.Series, v2: pd.Series, v3: pd.Series) -> pd.Series:
    """Official growth: ½(V2/V1 + V3/V2) − 1. V1 = 0 (or missing): V3/V2 − 1. V2 = 0 (or missing): NaN, scores 0."""
    two_years = v3 / v2.where(v2 > 0) - 1
    three_years = (v2 / v1.where(v1 > 0) + v3 / v2.where(v2 > 0)) / 2 - 1
    rate = three_years.where(v1 > 0, two_years)
    return rate.round(GROWTH_DECIMALS)


def anniversary(days: pd.Series, years: int) -> pd.Series:
    """core.dates.anniversary over a column: `years` years after each day, 29 February falling on 28 February in a
    year without it (pandas' DateOffset clamps to the month's end, as the Civil Code's §202 reads)."""
    return days + pd.DateOffset(years=years)


def anniversary_reached(founded: pd.Series, years: int, on: datetime.date) -> pd.Series:
    """1.0 when `years` full years have passed since `founded` on `on` (core.dates.years_reached), 0.0 if not, NaN
    when the date is unknown."""
    return (pd.Timestamp(on) >= anniversary(founded, years)).astype(float).where(founded.notna())


def days_to_anniversary(founded: pd.Series, years: int, on: datetime.date) -> pd.Series:
    """Days from `on` until `years` years have passed (core.dates.days_to_anniversary): positive exactly where
    anniversary_reached is 0.0."""
    return pd.Series((anniversary(founded, years) - pd.Timestamp(on)).dt.days, index=founded.index, dtype=float)


def full_years_since(days: pd.Series, on: datetime.date) -> pd.Series:
    """Whole years passed since each day on `on` (core.dates.full_years_since), NaN when unknown."""
    month_day = days.dt.month * 100 + days.dt.day
    if not (on.year % 4 == 0 and (on.year % 100 != 0 or on.year % 400 == 0)):
        month_day = month_day.where(month_day != 229, 228)  # 29 February's anniversary is 28 February
    years = on.year - days.dt.year - (month_day > on.month * 100 + on.day).astype(float)
    return years.clip(lower=0).where(days.notna())


def within_last_years(days: pd.Series, years: int, on: datetime.date) -> pd.Series:
    """Each day lies within the last `years` years of `on` (近N年, core.dates.within_last_years)."""
    stamp = pd.Timestamp(on)
    return (days <= stamp) & (stamp < anniversary(days, years))


def _sum_years(frame: pd.DataFrame, field: str) -> pd.Series:
    return frame[[f"{field}_1", f"{field}_2", f"{field}_3"]].sum(axis=1, min_count=1)


def _latest(frame: pd.DataFrame, field: str) -> pd.Series:
    return frame[f"{field}_3"]


def ip_count(frame: pd.DataFrame, ip_class: int) -> pd.Series:
    """Class I (`ip_class` 1) or Class II (2) IP held: from the patent register where the firm has one
    (`ip_from_register`), else from the latest year's indicators. Trademarks do not count. One class needs only its
    own indicator fields (policy matching reads no more than its conditions use)."""
    fields = IP_CLASS1_FIELDS if ip_class == 1 else IP_CLASS2_FIELDS
    count = sum(_latest(frame, field) for field in fields)
    if "ip_from_register" in frame:
        count = count.where(~frame["ip_from_register"], frame[f"ip_register_class{ip_class}"])
    return count


def ip_counts(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(Class I, Class II) IP held (see ip_count)."""
    return ip_count(frame, 1), ip_count(frame, 2)


# ---------------------------------------------------------------------------------------------------------------
# Achievements: the dated evidence of the direct routes and of some model parts (enterprises.models.Achievement)

# The long table scoring.frames.load_achievements reads: one row per achievement achieved by the run's day, money in
# cents. Levels are ranked by rulesets.level_rank.
ACHIEVEMENT_COLUMNS = ("enterprise_id", "kind", "level", "role", "rank", "amount", "grade", "achieved_on", "valid_to")

# Direct-route codes stored in the portrait (0: none); the order is the official text's.
SME_ROUTES = ("high_tech", "award", "rd_institution", "standard")
ISME_ROUTES = ("award", "honour", "rd_institution", "equity")
SRDI_ROUTES = ("award", "rd_mean", "equity", "makers_china")


def empty_achievements() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="datetime64[ns]" if name in ("achieved_on", "valid_to") else "object")
                         for name in ACHIEVEMENT_COLUMNS})  # fmt: skip


def achievement_columns(achievements: pd.DataFrame | None, index: pd.Index, ruleset: RuleSet, on) -> pd.DataFrame:
    """Per firm, what the routes and parts read from its achievements on `on`: flags, the best level of a valid R&D
    institution, equity sums over each window the rules use, the latest digitalisation grade."""
    rows = empty_achievements() if achievements is None else achievements
    rows = rows[rows["enterprise_id"].isin(index)] if len(rows) else rows
    stamp = pd.Timestamp(on)
    achieved = pd.to_datetime(rows["achieved_on"])
    valid_to = pd.to_datetime(rows["valid_to"])
    kind, level = rows["kind"].astype(str), rows["level"].fillna("").astype(str)
    rank = pd.to_numeric(rows["rank"], errors="coerce")
    amount = pd.to_numeric(rows["amount"], errors="coerce").fillna(0)
    valid = (achieved <= stamp) & (valid_to.isna() | (valid_to >= stamp))
    levels = level.map(level_rank).astype("int64") if len(rows) else pd.Series(dtype="int64")

    def has(mask) -> pd.Series:
        return pd.Series(index.isin(rows.loc[mask, "enterprise_id"]), index=index)

    def within(years: int) -> pd.Series:
        return within_last_years(achieved, years, on)

    sme, isme, srdi, model = ruleset.sme_scoring, ruleset.innovative_sme, ruleset.srdi, ruleset.srdi_model
    out = pd.DataFrame(index=index)
    out["ach_sme_award"] = has(
        (kind == "award") & level.isin(sme.direct_award_levels) & (rank <= sme.direct_award_max_rank)
        & within(sme.direct_route_years)
    )  # fmt: skip
    out["ach_sme_standard"] = has(
        (kind == "standard") & (rows["role"] == "led") & level.isin(sme.direct_standard_levels)
        & within(sme.direct_route_years)
    )  # fmt: skip
    institutions = rows.loc[(kind == "rd_institution") & valid, "enterprise_id"]
    best = levels[institutions.index].groupby(institutions).max() if len(institutions) else pd.Series(dtype="int64")
    out["ach_rd_institution_level"] = best.reindex(index).fillna(0).astype(float)
    out["ach_honour"] = has((kind == "honour") & valid)
    out["ach_isme_award"] = has(
        (kind == "award") & level.isin(isme.route_award_levels) & within(isme.route_award_years)
    )
    srdi_award = pd.Series(False, index=rows.index)
    for award_level, max_rank in srdi.route_award_max_rank:
        srdi_award |= (level == award_level) & (rank <= max_rank)
    out["ach_srdi_award"] = has((kind == "award") & srdi_award & within(srdi.route_award_years))
    out["ach_makers_china"] = has(
        (kind == "makers_china") & (rank <= srdi.route_makers_max_rank) & within(srdi.route_makers_years)
    )
    for years in sorted({isme.route_equity_years, srdi.equity_years, srdi.route_equity_years}):
        equity = (kind == "equity") & within(years)
        sums = amount[equity].groupby(rows.loc[equity, "enterprise_id"]).sum() if equity.any() else pd.Series()
        out[f"ach_equity_{years}y"] = sums.reindex(index).fillna(0).astype(float)
    quality_min = level_rank(model.quality_award_min_level)
    out["ach_quality_items"] = (
        has((kind == "quality_award") & valid & (levels >= quality_min)).astype(int)
        + has((kind == "quality_certification") & valid).astype(int)
        + has((kind == "brand") & valid).astype(int)
        + has((kind == "standard") & (achieved <= stamp)).astype(int)
    ).astype(float)
    digital = rows[(kind == "digital_level") & valid].sort_values("achieved_on")
    grades = pd.to_numeric(digital["grade"], errors="coerce").groupby(digital["enterprise_id"]).last()
    out["ach_digital_grade"] = grades.reindex(index).astype(float) if len(digital) else np.nan
    return out


# ---------------------------------------------------------------------------------------------------------------
# §3.1 Tech-based SME


def tech_sme(frame: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    limits, model = ruleset.tech_sme, ruleset.sme_scoring
    has_data = frame["n_years"] > 0
    employees, revenue = _latest(frame, "employees"), _latest(frame, "revenue")
    rd, assets = _latest(frame, "rd_expense"), _latest(frame, "total_assets")
    eligible = (
        has_data
        & (employees <= limits.max_employees)
        & (revenue <= cents(limits.max_revenue))
        & (assets <= cents(limits.max_total_assets))
    )
    st_ratio = ratio(_latest(frame, "st_personnel"), employees)
    rd_revenue_ratio = ratio(rd, revenue)
    rd_costs_ratio = ratio(rd, _latest(frame, "total_costs"))
    st_points = band_points(st_ratio, model.st_personnel_bands)
    rd_revenue_points = band_points(rd_revenue_ratio, model.rd_revenue_bands)
    rd_costs_points = band_points(rd_costs_ratio, model.rd_costs_bands)
    rd_points = np.maximum(rd_revenue_points, rd_costs_points)
    class1, class2 = ip_counts(frame)
    ip_points = pd.Series(
        np.where(class1 >= 1, model.class1_points, band_points(class2, model.class2_bands)), index=frame.index
    )
    score = st_points + rd_points + ip_points
    # 第六条's direct routes, in the text's order: the first one met is the one shown.
    institution = frame["q_rd_platform"] if "rd_platform" in model.direct_pass_kinds else False
    if model.direct_rd_institution_min_level:
        institution = institution | (
            frame["ach_rd_institution_level"] >= level_rank(model.direct_rd_institution_min_level)
        )
    route_met = [
        frame["q_high_tech"] if "high_tech" in model.direct_pass_kinds else pd.Series(False, index=frame.index),
        frame["ach_sme_award"],
        pd.Series(institution, index=frame.index).astype(bool),
        frame["ach_sme_standard"],
    ]
    route = pd.Series(np.select(route_met, range(1, len(SME_ROUTES) + 1), 0), index=frame.index)
    direct = eligible & (route > 0)
    passes = eligible & (((score >= model.pass_score) & (st_points > 0)) | direct)
    return pd.DataFrame(
        {
            "sme_eligible": eligible,
            "sme_st_ratio": st_ratio,
            "sme_st_points": st_points,
            "sme_rd_revenue_ratio": rd_revenue_ratio,
            "sme_rd_revenue_points": rd_revenue_points,
            "sme_rd_costs_ratio": rd_costs_ratio,
            "sme_rd_costs_points": rd_costs_points,
            "sme_rd_points": rd_points,
            "sme_class1": class1,
            "sme_class2": class2,
            "sme_ip_points": ip_points,
            "sme_score": score,
            "sme_direct": direct,
            "sme_route": route.where(eligible, 0),
            "sme_passes": passes,
        },
        index=frame.index,
    )


def tech_sme_gaps(frame: pd.DataFrame, sme: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """What a firm lacks for the next SME band of each part, quantified, and the points it is short of passing."""
    model = ruleset.sme_scoring
    employees = _latest(frame, "employees")
    st_target = next_bound(sme["sme_st_ratio"], model.st_personnel_bands)
    rd_target = next_bound(sme["sme_rd_revenue_ratio"], model.rd_revenue_bands)
    # The R&D that reaches the next revenue band, unless the better-of-two already gives that band's points or more.
    rd_needed = (rd_target * _latest(frame, "revenue") - _latest(frame, "rd_expense")) / CENTS
    rd_needed = rd_needed.where(sme["sme_rd_points"] < model.rd_max)
    class2_target = next_bound(sme["sme_class2"], model.class2_bands)
    return pd.DataFrame(
        {
            "gap_sme_points": (model.pass_score - sme["sme_score"]).clip(lower=0),
            "gap_sme_st_target": st_target,
            "gap_sme_st_people": people_to_ratio(_latest(frame, "st_personnel"), employees, st_target),
            "gap_sme_rd_target": rd_target.where(rd_needed.notna()),
            "gap_sme_rd_yuan": np.ceil(rd_needed.clip(lower=0)),
            "gap_sme_class2": (class2_target - sme["sme_class2"]).where(sme["sme_class1"] < 1),
        },
        index=frame.index,
    )


# ---------------------------------------------------------------------------------------------------------------
# §3.2 High-tech enterprise


def capability(frame: pd.DataFrame, ruleset: RuleSet, class1: pd.Series, class2: pd.Series) -> pd.DataFrame:
    """Innovation-capability estimate: IP quantity, conversions and growth from the data; expert parts as a range."""
    model = ruleset.high_tech.capability
    share = float(model.expert_estimate_share)
    class2_low, class2_high = range_band(class2, model.ip_quantity_class2_bands)
    has_class1 = class1 >= 1
    ip_low = pd.Series(np.where(has_class1, model.ip_quantity_class1[0], class2_low), index=frame.index)
    ip_high = pd.Series(np.where(has_class1, model.ip_quantity_class1[1], class2_high), index=frame.index)
    has_ip = (class1.fillna(0) + class2.fillna(0)) > 0
    ip_expert_max = model.ip_max - model.ip_quantity_class1[1]
    ip_expert_high = has_ip * ip_expert_max
    years = frame["n_years"].where(frame["n_years"] > 0)
    conversions = _sum_years(frame, "results_converted") / years
    conversion_low, conversion_high = range_band(conversions, model.conversion_bands)
    has_rd = _sum_years(frame, "rd_expense").fillna(0) > 0
    organisation_high = (frame["n_years"] > 0) * model.organisation_max

    def growth_points(rate):
        low, high = range_band(rate, model.growth_bands)
        positive = (rate > 0) & (low == 0)
        low = low.where(~positive, model.growth_positive[0])
        high = high.where(~positive, model.growth_positive[1])
        return low, high

    net_assets = {year: frame[f"total_assets_{year}"] - frame[f"total_liabilities_{year}"] for year in (1, 2, 3)}
    net_asset_growth = growth_rate(net_assets[1], net_assets[2], net_assets[3])
    sales_growth = growth_rate(frame["revenue_1"], frame["revenue_2"], frame["revenue_3"])
    net_low, net_high = growth_points(net_asset_growth)
    sales_low, sales_high = growth_points(sales_growth)
    computed_low = ip_low + conversion_low + net_low + sales_low
    computed_high = ip_high + conversion_high + net_high + sales_high
    expert_estimate = has_ip * ip_expert_max * share + has_rd * model.organisation_max * share
    estimate = (computed_low + computed_high) / 2 + expert_estimate
    return pd.DataFrame(
        {
            "cap_ip_low": ip_low,
            "cap_ip_high": ip_high,
            "cap_ip_expert_high": ip_expert_high,
            "cap_conversions": conversions,
            "cap_conversion_low": conversion_low,
            "cap_conversion_high": conversion_high,
            "cap_organisation_high": organisation_high,
            "cap_net_asset_growth": net_asset_growth,
            "cap_net_asset_low": net_low,
            "cap_net_asset_high": net_high,
            "cap_sales_growth": sales_growth,
            "cap_sales_low": sales_low,
            "cap_sales_high": sales_high,
            "cap_low": computed_low,
            "cap_high": computed_high + ip_expert_high + organisation_high,
            "cap_estimate": estimate.round(2),
            "cap_passes": capability_passes(estimate, ruleset),
        },
        index=frame.index,
    )


def capability_passes(score: pd.Series, ruleset: RuleSet) -> pd.Series:
    """Strictly above the threshold (70 fails, 71 passes)."""
    return score > float(ruleset.high_tech.min_capability_score_exclusive)


def high_tech_rd_threshold(latest_revenue: pd.Series, ruleset: RuleSet) -> pd.Series:
    """The minimum 3-year R&D ratio by the latest year's revenue band (upper bounds inclusive: exactly 50 M is 5%)."""
    bands = ruleset.high_tech.rd_ratio_bands
    conditions = [latest_revenue <= cents(upper) for upper, _ratio in bands if upper is not None]
    choices = [float(minimum) for upper, minimum in bands if upper is not None]
    default = next(float(minimum) for upper, minimum in bands if upper is None)
    threshold = pd.Series(np.select(conditions, choices, default), index=latest_revenue.index)
    return threshold.where(latest_revenue.notna())


def high_tech(frame: pd.DataFrame, ruleset: RuleSet, on: datetime.date) -> pd.DataFrame:
    """The eight conditions, each as value / threshold / met (1.0, 0.0, or NaN for unknown), with their gaps."""
    rules = ruleset.high_tech
    has_data = frame["n_years"] > 0
    class1, class2 = ip_counts(frame)
    founded = frame["founded_on"]
    registered_days = pd.Series((pd.Timestamp(on) - founded).dt.days, index=frame.index, dtype=float)
    registered = anniversary_reached(founded, rules.min_registered_years, on)
    core_ip = ((class1 >= rules.min_class1_ip) | (class2 >= rules.min_class2_ip)).astype(float).where(has_data)
    field = (frame["high_tech_field"] != "").astype(float).where(frame["high_tech_field"] != "")
    employees, st = _latest(frame, "employees"), _latest(frame, "st_personnel")
    st_ratio = ratio(st, employees)
    st_met = at_least(st_ratio.fillna(0).where(has_data), rules.min_st_personnel_ratio)
    revenue_3y, rd_3y = _sum_years(frame, "revenue"), _sum_years(frame, "rd_expense")
    domestic_3y = _sum_years(frame, "rd_expense_domestic")
    rd_ratio_3y = ratio(rd_3y, revenue_3y)
    rd_threshold = high_tech_rd_threshold(_latest(frame, "revenue"), ruleset)
    domestic_share = ratio(domestic_3y, rd_3y)
    rd_met = (
        ((rd_ratio_3y >= rd_threshold) & (domestic_share >= float(rules.min_domestic_rd_share)))
        .astype(float)
        .where(has_data)
    )
    ht_share = ratio(_latest(frame, "high_tech_revenue"), _latest(frame, "revenue"))
    ht_met = at_least(ht_share.fillna(0).where(has_data), rules.min_high_tech_revenue_share)
    cap = capability(frame, ruleset, class1, class2)
    cap_met = cap["cap_passes"].astype(float).where(has_data)
    no_incident = pd.Series(np.nan, index=frame.index)  # incidents are not recorded: always unknown

    met = pd.DataFrame(
        {
            "ht_registered_met": registered,
            "ht_core_ip_met": core_ip,
            "ht_field_met": field,
            "ht_st_personnel_met": st_met,
            "ht_rd_ratio_met": rd_met,
            "ht_high_tech_revenue_met": ht_met,
            "ht_capability_met": cap_met,
            "ht_no_incident_met": no_incident,
        },
        index=frame.index,
    )
    result = pd.concat(
        [
            pd.DataFrame(
                {
                    "ht_registered_days": registered_days,
                    "ht_class1": class1,
                    "ht_class2": class2,
                    "ht_st_ratio": st_ratio,
                    "ht_rd_years": frame["n_years"],
                    "ht_rd_ratio_3y": rd_ratio_3y,
                    "ht_rd_threshold": rd_threshold,
                    "ht_rd_3y_yuan": rd_3y / CENTS,
                    "ht_revenue_3y_yuan": revenue_3y / CENTS,
                    "ht_domestic_share": domestic_share,
                    "ht_high_tech_share": ht_share,
                    "ht_conditions_met": (met == 1).sum(axis=1),
                    "ht_conditions_failed": (met == 0).sum(axis=1),
                },
                index=frame.index,
            ),
            met,
            cap,
        ],
        axis=1,
    )
    # Gaps, only where the condition is failed.
    # The check and its gap read the one anniversary (core.dates): a failed check always has days to wait.
    result["gap_ht_registered_days"] = days_to_anniversary(founded, rules.min_registered_years, on).where(
        registered == 0
    )
    result["gap_ht_class2"] = (rules.min_class2_ip - class2).where(core_ip == 0)
    min_st = float(rules.min_st_personnel_ratio)
    result["gap_ht_st_people"] = people_to_ratio(st, employees, min_st).where(st_met == 0)
    rd_short = ((rd_threshold * revenue_3y - rd_3y) / CENTS).clip(lower=0)
    result["gap_ht_rd_yuan"] = np.ceil(rd_short).where((rd_met == 0) & (rd_ratio_3y.fillna(0) < rd_threshold))
    min_domestic = float(rules.min_domestic_rd_share)
    domestic_short = ((min_domestic * rd_3y - domestic_3y) / (1 - min_domestic) / CENTS).clip(lower=0)
    result["gap_ht_domestic_rd_yuan"] = np.ceil(domestic_short).where(
        (rd_met == 0) & (domestic_share.fillna(0) < min_domestic)
    )
    min_share = float(rules.min_high_tech_revenue_share)
    ht_short = (min_share * _latest(frame, "revenue") - _latest(frame, "high_tech_revenue")) / CENTS
    result["gap_ht_high_tech_revenue_yuan"] = np.ceil(ht_short.clip(lower=0)).where(ht_met == 0)
    result["gap_ht_capability_points"] = (float(rules.min_capability_score_exclusive) - cap["cap_estimate"]).where(
        cap_met == 0
    )
    return result


# ---------------------------------------------------------------------------------------------------------------
# §3.3 Upper rungs


def upper_band_points(values: pd.Series, bands: Bands) -> pd.Series:
    """Points of the first band whose upper bound (inclusive) the value does not exceed; 0 above all or unknown."""
    conditions = [values <= float(bound) for bound, _points in bands]
    return pd.Series(np.select(conditions, [points for _bound, points in bands], 0), index=values.index)


def innovative_sme(frame: pd.DataFrame, ruleset: RuleSet, class1: pd.Series, class2: pd.Series) -> pd.DataFrame:
    """创新型中小企业评价标准 (63号 附件1): the six indicators in three parts, each part's minimum, the direct routes.
    The IP indicator is a range (high-value and self-developed Class I IP are not known from the counts): the score
    is its lowest, `isme_score_high` its highest."""
    model = ruleset.innovative_sme
    written = model.as_written
    ip_points = pd.Series(
        np.select([class1 >= 1, class2 >= 1], [model.ip_class1_points, model.ip_class2_points], 0), index=frame.index
    )
    ip_high = ip_points.where(~(class1 >= 1), model.ip_high_value_points) if written else ip_points
    rd_ratio = ratio(_latest(frame, "rd_expense"), _latest(frame, "revenue"))
    rd_points = band_points(rd_ratio, model.rd_revenue_bands)
    # 3. 上年度主营业务收入增长率: V3/V2 − 1 ≥ b is compared as V3/V2 ≥ 1 + b, exactly.
    growth_field = "main_business_revenue" if written else "revenue"
    growth_factor = ratio(frame[f"{growth_field}_3"], frame[f"{growth_field}_2"])
    growth_bands = tuple((1 + bound, points) for bound, points in model.revenue_growth_bands)
    growth_points = band_points(growth_factor, growth_bands)
    debt_ratio = ratio(_latest(frame, "total_liabilities"), _latest(frame, "total_assets"))
    debt_points = upper_band_points(debt_ratio, model.debt_ratio_bands)
    has_field = frame["high_tech_field"] != ""
    field_points = pd.Series(np.where(has_field, model.field_points, model.other_field_points), index=frame.index)
    if written:  # a firm without data has no leading product to place in a field
        field_points = field_points.where(frame["n_years"] > 0, 0)
    main_share = ratio(_latest(frame, "main_business_revenue"), _latest(frame, "revenue"))
    main_points = band_points(main_share, model.main_business_share_bands)
    innovation = ip_points + rd_points
    growth = growth_points + debt_points
    specialisation = field_points + main_points
    score = innovation + growth + specialisation
    if written:
        parts_ok = (
            (innovation >= model.min_innovation) & (growth >= model.min_growth)
            & (specialisation >= model.min_specialisation)
        )  # fmt: skip
        routes = [
            frame["ach_isme_award"],
            frame[[f"q_{kind}" for kind in model.route_qualification_kinds]].any(axis=1) | frame["ach_honour"],
            frame[[f"q_{kind}" for kind in model.route_rd_platform_kinds]].any(axis=1)
            | (frame["ach_rd_institution_level"] >= level_rank(model.route_rd_institution_min_level)),
            frame[f"ach_equity_{model.route_equity_years}y"] >= cents(model.route_equity),
        ]
        route = pd.Series(np.select(routes, range(1, len(ISME_ROUTES) + 1), 0), index=frame.index)
    else:
        parts_ok = pd.Series(True, index=frame.index)
        route = pd.Series(0, index=frame.index)
    by_score = (score >= model.min_score) & parts_ok
    passes = by_score | (route > 0)
    failing = ~passes
    return pd.DataFrame(
        {
            "isme_ip_points": ip_points,
            "isme_ip_high": ip_high,
            "isme_rd_ratio": rd_ratio,
            "isme_rd_points": rd_points,
            "isme_revenue_growth": (growth_factor - 1).round(GROWTH_DECIMALS),
            "isme_growth_points": growth_points,
            "isme_debt_ratio": debt_ratio,
            "isme_debt_points": debt_points,
            "isme_field_points": field_points,
            "isme_main_share": main_share,
            "isme_main_points": main_points,
            "isme_innovation": innovation,
            "isme_growth": growth,
            "isme_specialisation": specialisation,
            "isme_score": score,
            "isme_score_high": score - ip_points + ip_high,
            "isme_by_score": by_score,
            "isme_route": route,
            "isme_passes": passes,
            "gap_isme_points": (model.min_score - score).clip(lower=0).where(failing),
            "gap_isme_innovation": (model.min_innovation - innovation).clip(lower=0).where(failing & written),
            "gap_isme_growth": (model.min_growth - growth).clip(lower=0).where(failing & written),
            "gap_isme_specialisation": (model.min_specialisation - specialisation)
            .clip(lower=0)
            .where(failing & written),
        },
        index=frame.index,
    )


def gazelle(frame: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """Candidate: valid high-tech certificate, revenue ≥ bound, revenue CAGR ≥ rate over three yearly values."""
    criteria = ruleset.gazelle
    factor = (1 + criteria.min_revenue_cagr) ** criteria.cagr_intervals  # exact Decimal: 1.44
    growth = ratio(frame["revenue_3"], frame["revenue_1"])
    cagr = (growth ** (1 / criteria.cagr_intervals) - 1).round(GROWTH_DECIMALS)
    revenue_ok = _latest(frame, "revenue") >= cents(criteria.min_revenue)
    cagr_ok = growth >= float(factor)
    return pd.DataFrame(
        {
            "gazelle_cagr": cagr,
            "gazelle_revenue_ok": revenue_ok,
            "gazelle_cagr_ok": cagr_ok,
            "gazelle_candidate": frame["q_high_tech"] & revenue_ok & cagr_ok,
            "gap_gazelle_revenue_yuan": np.ceil(
                ((cents(criteria.min_revenue) - _latest(frame, "revenue")) / CENTS).clip(lower=0)
            ).where(~revenue_ok),
            "gap_gazelle_growth_yuan": np.ceil(
                ((float(factor) * frame["revenue_1"] - frame["revenue_3"]) / CENTS).clip(lower=0)
            ).where(~cagr_ok & (frame["revenue_1"] > 0)),
        },
        index=frame.index,
    )


def srdi(frame: pd.DataFrame, ruleset: RuleSet, on: datetime.date, isme_score: pd.Series) -> pd.DataFrame:
    """专精特新 candidacy (63号 附件2, 一、认定条件): the four conditions, the fourth by the own 100-point model
    (srdi_model) or a direct route. Years in the niche are taken as years since founding. The 2025 version
    (own_model False) scored the fourth on the innovative-SME score and read (三) as the revenue alone."""
    criteria = ruleset.srdi
    rd, revenue = _latest(frame, "rd_expense"), _latest(frame, "revenue")
    years_reached = anniversary_reached(frame["founded_on"], criteria.min_years_in_niche, on)
    years_ok = years_reached == 1
    rd_ok = (rd >= cents(criteria.min_rd_expense)) & (ratio(rd, revenue) >= float(criteria.min_rd_ratio))
    revenue_ok = revenue >= cents(criteria.min_revenue)
    rd_needed = np.maximum(cents(criteria.min_rd_expense) - rd, float(criteria.min_rd_ratio) * revenue - rd) / CENTS
    result = {
        "srdi_years_ok": years_ok,
        "gap_srdi_years_days": days_to_anniversary(frame["founded_on"], criteria.min_years_in_niche, on).where(
            years_reached == 0
        ),
        "srdi_rd_ok": rd_ok,
        "srdi_revenue_ok": revenue_ok,
    }
    # 一、(三): the revenue, or under it the equity financing of the last two years.
    equity_ok = frame[f"ach_equity_{criteria.equity_years}y"] >= cents(criteria.equity_instead_of_revenue)
    model = srdi_model(frame, ruleset, on)
    own = criteria.own_model
    scale_ok = (revenue_ok | equity_ok) if own else revenue_ok
    score_ok = (model["srdi_score"] if own else isme_score) >= criteria.min_score
    # 一、(四) 1–4, in the text's order.
    rd_mean = (frame["rd_expense_2"] + frame["rd_expense_3"]) / 2
    routes = [
        frame["ach_srdi_award"],
        rd_mean >= cents(criteria.route_rd_mean),
        frame[f"ach_equity_{criteria.route_equity_years}y"] >= cents(criteria.route_equity),
        frame["ach_makers_china"],
    ]
    route = pd.Series(np.select(routes, range(1, len(SRDI_ROUTES) + 1), 0) if own else 0, index=frame.index)
    fourth_ok = score_ok | (route > 0)
    candidate = years_ok & rd_ok & scale_ok & fourth_ok
    result.update(
        srdi_equity_ok=equity_ok,
        srdi_scale_ok=scale_ok,
        srdi_score_ok=score_ok,
        srdi_route=route,
        srdi_candidate=candidate,
        gap_srdi_rd_yuan=np.ceil(rd_needed.clip(lower=0)).where(~rd_ok),
        gap_srdi_revenue_yuan=np.ceil(((cents(criteria.min_revenue) - revenue) / CENTS).clip(lower=0)).where(~scale_ok),
        gap_srdi_points=(criteria.min_score - model["srdi_score"]).clip(lower=0).where(~fourth_ok & own),
    )
    return pd.concat([pd.DataFrame(result, index=frame.index), model], axis=1)


def srdi_model(frame: pd.DataFrame, ruleset: RuleSet, on: datetime.date) -> pd.DataFrame:
    """The 专精特新 100-point model (63号 附件2, 二、评价指标): each indicator's points as (lowest, highest); exact
    where the portal holds the data (the range is one value), a range where it does not. `srdi_score` is the lowest
    total (what the data proves), `srdi_score_high` the highest."""
    model = ruleset.srdi_model
    index, has_data = frame.index, frame["n_years"] > 0
    revenue = _latest(frame, "revenue")
    # (一) 专业化
    main_share = ratio(_latest(frame, "main_business_revenue"), revenue)
    main_points = band_points(main_share, model.main_share_bands)
    main_growth = growth_rate(
        frame["main_business_revenue_1"], frame["main_business_revenue_2"], frame["main_business_revenue_3"]
    )
    growth_points = band_points(main_growth, model.main_growth_bands)
    niche_years = full_years_since(frame["founded_on"], on)
    niche_points = (niche_years // model.niche_years_per_point).clip(upper=model.niche_max).fillna(0)
    field_high = has_data * model.field_max
    # (二) 精细化
    digital_grade = frame["ach_digital_grade"]
    digital_known = band_points(digital_grade, model.digital_bands)
    digital_low = digital_known.where(digital_grade.notna(), 0)
    digital_high = digital_known.where(digital_grade.notna(), model.digital_max * has_data)
    quality_low = (frame["ach_quality_items"] * model.quality_points_each).clip(upper=model.quality_max)
    quality_high = pd.Series(np.where(has_data, model.quality_max, quality_low), index=index)
    margin_high = has_data * model.net_margin_max
    debt_ratio = ratio(_latest(frame, "total_liabilities"), _latest(frame, "total_assets"))
    debt_points = upper_band_points(debt_ratio, model.debt_ratio_bands)
    # (三) 特色化: the province's own indicators
    distinct_high = has_data * model.distinctiveness_max
    # (四) 创新能力
    class1, class2 = ip_counts(frame)
    ip_low = pd.Series(
        np.select([class1 >= 1, class2 >= 1], [model.ip_class1_points, model.ip_class2_points], 0), index=index
    )
    ip_high = ip_low.where(~(class1 >= 1), model.ip_high_value_points)
    rd = _latest(frame, "rd_expense")
    rd_points = np.maximum(
        band_points(rd / CENTS, model.rd_amount_bands), band_points(ratio(rd, revenue), model.rd_ratio_bands)
    )
    st_ratio = ratio(_latest(frame, "st_personnel"), _latest(frame, "employees"))
    rd_staff_high = band_points(st_ratio, model.rd_staff_bands)
    institution_level = frame["ach_rd_institution_level"].where(
        ~frame["q_rd_platform"], np.maximum(frame["ach_rd_institution_level"], level_rank("provincial"))
    )
    institution_points = pd.Series(0, index=index)
    for level, points in sorted(model.rd_institution_points, key=lambda item: level_rank(item[0])):
        institution_points = institution_points.where(institution_level < level_rank(level), points)

    specialisation_low = main_points + growth_points + niche_points
    specialisation_high = specialisation_low + field_high
    refinement_low = digital_low + quality_low + debt_points
    refinement_high = digital_high + quality_high + margin_high + debt_points
    innovation_low = ip_low + rd_points + institution_points
    innovation_high = ip_high + rd_points + rd_staff_high + institution_points
    low = specialisation_low + refinement_low + innovation_low
    high = specialisation_high + refinement_high + distinct_high + innovation_high
    # Kept lean (a night writes every value of every firm): the parts' sums, the constant ranges (field, net margin,
    # the province's indicators, quality's top) and the shares the innovative-SME columns already hold are derived
    # again by scoring.presentation.srdi_parts.
    return pd.DataFrame(
        {
            "srdi_main_points": main_points,
            "srdi_main_growth": main_growth,
            "srdi_growth_points": growth_points,
            "srdi_niche_years": niche_years,
            "srdi_niche_points": niche_points,
            "srdi_digital_low": digital_low,
            "srdi_digital_high": digital_high,
            "srdi_quality_low": quality_low,
            "srdi_debt_points": debt_points,
            "srdi_ip_low": ip_low,
            "srdi_ip_high": ip_high,
            "srdi_rd_points": rd_points,
            "srdi_rd_staff_high": rd_staff_high,
            "srdi_institution_points": institution_points,
            "srdi_score": low,
            "srdi_score_high": high,
        },
        index=index,
    )


# ---------------------------------------------------------------------------------------------------------------
# Size, tier, tags


def size_class(frame: pd.DataFrame, ruleset: RuleSet) -> pd.Series:
    sizes = ruleset.size_classes
    employees, revenue = _latest(frame, "employees"), _latest(frame, "revenue")
    conditions = [
        (employees >= sizes.large_employees) & (revenue >= cents(sizes.large_revenue)),
        (employees >= sizes.medium_employees) & (revenue >= cents(sizes.medium_revenue)),
        (employees >= sizes.small_employees) & (revenue >= cents(sizes.small_revenue)),
        frame["n_years"] > 0,
    ]
    return pd.Series(np.select(conditions, ["large", "medium", "small", "micro"], ""), index=frame.index)


def innovation_signal(frame: pd.DataFrame) -> pd.Series:
    """Any R&D in the three years, any IP, any S&T staff, or any valid qualification (DESIGN §4)."""
    class1, class2 = ip_counts(frame)
    return (
        (_sum_years(frame, "rd_expense").fillna(0) > 0)
        | ((class1.fillna(0) + class2.fillna(0)) > 0)
        | (_latest(frame, "st_personnel").fillna(0) > 0)
        | frame["q_any"]
    )


def tier(frame: pd.DataFrame, sme: pd.DataFrame) -> pd.Series:
    """T3 certified; T2 registered SME or passing the SME model (or signalled but too big to be an SME: their next
    rung is the certificate itself); T1 other signalled firms; outside the pool otherwise, and always for a firm
    closed (吊销/注销) or moved out of the city (迁出): `left_pool`, from its registration status."""
    signal = innovation_signal(frame)
    too_big = signal & (frame["n_years"] > 0) & ~sme["sme_eligible"]
    left = frame["left_pool"] if "left_pool" in frame else pd.Series(False, index=frame.index)
    conditions = [
        left.to_numpy(dtype=bool),
        frame["q_high_tech"],
        frame["q_tech_sme"] | sme["sme_passes"] | too_big,
        signal,
    ]
    choices = [TIER_OUTSIDE, TIER_T3, TIER_T2, TIER_T1]
    return pd.Series(np.select(conditions, choices, TIER_OUTSIDE), index=frame.index)


def near(values: pd.Series, threshold, margin: Decimal) -> pd.Series:
    """Just below: within `margin` (a share of the threshold) under it, not at or above it."""
    threshold = threshold if isinstance(threshold, pd.Series) else float(threshold)
    return (values < threshold) & (values >= threshold * (1 - float(margin)))


def tags(frame: pd.DataFrame, result: pd.DataFrame, ruleset: RuleSet, on: datetime.date) -> pd.Series:
    """The tag bitmask (TAG_BITS) of each firm."""
    rules, high = ruleset.tags, ruleset.high_tech
    margin = rules.near_threshold_margin
    in_pool = result["tier"] != TIER_OUTSIDE
    candidates = result["tier"].isin([TIER_T1, TIER_T2])
    rd_blank = (frame["n_years"] > 0) & (_latest(frame, "rd_expense").fillna(0) == 0)
    ip_weak = in_pool & (result["ht_core_ip_met"] != 1)
    high_growth = result["cap_sales_growth"] >= float(rules.high_growth_min)
    short_points = ruleset.sme_scoring.pass_score - result["sme_score"]
    near_sme = (result["tier"] == TIER_T1) & result["sme_eligible"] & (short_points > 0)
    near_sme &= short_points <= rules.near_sme_points
    near_any = (
        near_sme
        | (candidates & near(result["ht_st_ratio"], high.min_st_personnel_ratio, margin))
        | (candidates & near(result["ht_rd_ratio_3y"], result["ht_rd_threshold"], margin))
        | (candidates & near(result["ht_high_tech_share"], high.min_high_tech_revenue_share, margin))
        | near(_latest(frame, "revenue"), cents(ruleset.above_scale_min_revenue), margin)
    )
    days_left = pd.Series((frame["high_tech_valid_to"] - pd.Timestamp(on)).dt.days, index=frame.index)
    expiring = frame["q_high_tech"] & (days_left <= rules.certificate_expiring_days)
    audit_risk = frame["q_high_tech"] & (
        result[["ht_core_ip_met", "ht_st_personnel_met", "ht_rd_ratio_met", "ht_high_tech_revenue_met"]] == 0
    ).any(axis=1)
    mask = pd.Series(0, index=frame.index, dtype="int64")
    for code, flags in (
        ("rd_blank", rd_blank),
        ("ip_weak", ip_weak),
        ("high_growth", high_growth),
        ("near_threshold", near_any),
        ("certificate_expiring", expiring),
        ("audit_risk", audit_risk),
    ):
        mask |= flags.fillna(False).astype("int64") * TAG_BITS[code]
    return mask


def tag_codes(mask: int) -> list[str]:
    return [code for code, bit in TAG_BITS.items() if mask & bit]


def readiness(result: pd.DataFrame) -> pd.Series:
    """0–100 readiness for the next rung: SME score (T1, outside); share of the seven data-checkable high-tech
    conditions met, nudged by the capability estimate (T2); the innovative-SME score (T3)."""
    checkable = [f"ht_{name}_met" for name in HIGH_TECH_CONDITIONS if name != "no_incident"]
    conditions = (result[checkable] == 1).sum(axis=1) / len(checkable)
    t2 = conditions * 90 + result["cap_estimate"].clip(0, 100) / 10
    values = np.select(
        [result["tier"] == TIER_T2, result["tier"] == TIER_T3], [t2, result["isme_score"]], result["sme_score"]
    )
    return pd.Series(values, index=result.index).round(2)


# ---------------------------------------------------------------------------------------------------------------
# Everything


def score(
    frame: pd.DataFrame, ruleset: RuleSet, on: datetime.date, achievements: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every rule for every firm of `frame`: one row per firm, the columns a portrait stores. `achievements`: the
    firms' achievement rows (scoring.frames.load_achievements); none given, none held."""
    frame = pd.concat([frame, achievement_columns(achievements, frame.index, ruleset, on)], axis=1)
    sme = tech_sme(frame, ruleset)
    high = high_tech(frame, ruleset, on)
    class1, class2 = ip_counts(frame)
    isme = innovative_sme(frame, ruleset, class1, class2)
    result = pd.concat(
        [
            sme,
            tech_sme_gaps(frame, sme, ruleset),
            high,
            isme,
            gazelle(frame, ruleset),
            srdi(frame, ruleset, on, isme["isme_score"]),
        ],
        axis=1,
    )
    result["size_class"] = size_class(frame, ruleset)
    result["above_scale"] = _latest(frame, "revenue") >= cents(ruleset.above_scale_min_revenue)
    result["innovative"] = frame["q_any"]
    result["tier"] = tier(frame, sme)
    result["tag_mask"] = tags(frame, result, ruleset, on)
    result["readiness"] = readiness(result)
    return result
