"""A stored portrait, explained: breakdowns, the conditions checklist, gaps in words, the radar. One firm at a time.

Everything here reads the portrait's stored values (Portrait.details) and the thresholds of the rule set the run used,
so a portrait from an older run is explained by the rules it was computed under. All wording is translatable.
"""

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rulesets import RuleSet, get_ruleset
from scoring.models import Portrait, Tier
from scoring.rules import ISME_ROUTES, SME_ROUTES, SRDI_ROUTES, TAG_BITS, tag_codes

TEN_THOUSAND = 10000

TAG_LABELS = {
    "rd_blank": gettext_lazy("No R&D"),
    "ip_weak": gettext_lazy("Weak IP"),
    "high_growth": gettext_lazy("High growth"),
    "near_threshold": gettext_lazy("Near a threshold"),
    "certificate_expiring": gettext_lazy("Certificate expiring"),
    "audit_risk": gettext_lazy("Audit risk"),
}
assert set(TAG_LABELS) == set(TAG_BITS)

# The eight high-tech conditions by the short names the rules store (detail keys "ht_<name>_met"), for sentences such
# as a warning's "no longer meets: R&D intensity, innovation capability".
HIGH_TECH_CONDITION_NAMES = {
    "registered": gettext_lazy("registered for a year"),
    "core_ip": gettext_lazy("core IP"),
    "field": gettext_lazy("a supported technology field"),
    "st_personnel": gettext_lazy("S&T personnel share"),
    "rd_ratio": gettext_lazy("R&D intensity"),
    "high_tech_revenue": gettext_lazy("high-tech revenue share"),
    "capability": gettext_lazy("innovation capability"),
    "no_incident": gettext_lazy("no major incident"),
}


# The direct routes by the codes the rules store (sme_route, isme_route, srdi_route), in the official wording.
SME_ROUTE_LABELS = {
    "high_tech": gettext_lazy("a valid high-tech enterprise certificate"),
    "award": gettext_lazy("a national S&T award in the last 5 years, among the first 3 units"),
    "rd_institution": gettext_lazy("a recognised R&D institution of provincial level or higher"),
    "standard": gettext_lazy("led an international, national or industry standard in the last 5 years"),
}
ISME_ROUTE_LABELS = {
    "award": gettext_lazy("a national or provincial S&T award in the last 3 years"),
    "honour": gettext_lazy("a valid high-tech certificate or a listed national honour"),
    "rd_institution": gettext_lazy("a recognised R&D institution of provincial level or higher"),
    "equity": gettext_lazy(
        "new equity financing of 5 million yuan or more from qualified investors in the last 3 years"
    ),
}
SRDI_ROUTE_LABELS = {
    "award": gettext_lazy(
        "a provincial S&T award among the first 3 units, or a national one among the first 5, in the last 3 years"
    ),
    "rd_mean": gettext_lazy("R&D of 10 million yuan or more a year on average over the last 2 years"),
    "equity": gettext_lazy("new equity financing of 60 million yuan or more from qualified investors in 2 years"),
    "makers_china": gettext_lazy("among the national top 500 of the Makers China competition in the last 3 years"),
}
assert set(SME_ROUTE_LABELS) == set(SME_ROUTES) and set(ISME_ROUTE_LABELS) == set(ISME_ROUTES)
assert set(SRDI_ROUTE_LABELS) == set(SRDI_ROUTES)


def route_label(code, routes: tuple[str, ...], labels: dict) -> str:
    """The words of a stored route code (1-based; 0 or unknown: no route)."""
    code = _number(code)
    return str(labels[routes[int(code) - 1]]) if code else ""


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def pct(value, digits: int = 1) -> str:
    value = _number(value)
    return "—" if value is None else f"{float(value) * 100:.{digits}f}%"


def wan(yuan) -> str:
    """Yuan as 万元 (ten-thousand yuan) with two decimals: how the bureau reads money."""
    yuan = _number(yuan)
    if yuan is None:
        return "—"
    return _("%(amount)s × 10k yuan") % {"amount": f"{float(yuan) / TEN_THOUSAND:,.2f}"}


def count(value) -> str:
    value = _number(value)
    return "—" if value is None else f"{int(value)}"


def met_of(value) -> bool | None:
    value = _number(value)
    return None if value is None else bool(value)


def tags(portrait: Portrait) -> list[dict]:
    return [{"code": code, "label": TAG_LABELS[code]} for code in tag_codes(portrait.tag_mask)]


def ruleset_of(portrait: Portrait) -> RuleSet:
    return get_ruleset(portrait.run.ruleset_year)


def sme_breakdown(portrait: Portrait) -> dict:
    d, model = portrait.details, ruleset_of(portrait).sme_scoring
    rd_by = _("revenue") if d["sme_rd_revenue_points"] >= d["sme_rd_costs_points"] else _("total costs")
    return {
        "eligible": portrait.sme_eligible,
        "passes": portrait.sme_passes,
        "direct": d["sme_direct"],
        "route": route_label(d.get("sme_route"), SME_ROUTES, SME_ROUTE_LABELS),
        "score": portrait.sme_score,
        "pass_score": model.pass_score,
        "ip_source": _("IP counts from the patent register") if d.get("ip_from_register")
        else _("IP counts from the annual indicators"),
        "parts": [
            {"label": _("S&T personnel / employees"), "value": pct(d["sme_st_ratio"]),
             "points": d["sme_st_points"], "max": model.st_personnel_max},
            {"label": _("R&D input (better of R&D / revenue %(revenue)s and R&D / costs %(costs)s, by %(by)s)")
             % {"revenue": pct(d["sme_rd_revenue_ratio"]), "costs": pct(d["sme_rd_costs_ratio"]), "by": rd_by},
             "value": pct(max(d["sme_rd_revenue_ratio"] or 0, d["sme_rd_costs_ratio"] or 0)),
             "points": d["sme_rd_points"], "max": model.rd_max},
            {"label": _("S&T results (Class I %(class1)s, Class II %(class2)s)")
             % {"class1": count(d["sme_class1"]), "class2": count(d["sme_class2"])},
             "value": count((d["sme_class1"] or 0) + (d["sme_class2"] or 0)),
             "points": d["sme_ip_points"], "max": model.results_max},
        ],
    }  # fmt: skip


def conditions(portrait: Portrait) -> list[dict]:
    """The eight high-tech conditions: value, threshold, met (True, False, None for unknown), and a note."""
    d, rules = portrait.details, ruleset_of(portrait).high_tech
    years = d["ht_rd_years"] or 0
    return [
        {"code": "registered", "label": _("Registered at least %(years)s year") % {"years": rules.min_registered_years},
         "value": _("%(days)s days") % {"days": count(d["ht_registered_days"])},
         "threshold": _("%(years)s full year(s) since founding") % {"years": rules.min_registered_years},
         "met": met_of(d["ht_registered_met"]), "note": ""},
        {"code": "core_ip", "label": _("Owns core IP"),
         "value": _("Class I %(class1)s, Class II %(class2)s") % {"class1": count(d["ht_class1"]),
                                                                   "class2": count(d["ht_class2"])},
         "threshold": _("≥ %(class1)s Class I or ≥ %(class2)s Class II") % {"class1": rules.min_class1_ip,
                                                                              "class2": rules.min_class2_ip},
         "met": met_of(d["ht_core_ip_met"]), "note": ""},
        {"code": "field", "label": _("Core technology in a supported field"),
         "value": portrait.enterprise.get_high_tech_field_display() or "—", "threshold": _("one of the 8 fields"),
         "met": met_of(d["ht_field_met"]), "note": "" if d["ht_field_met"] else _("No field recorded.")},
        {"code": "st_personnel", "label": _("S&T personnel / employees"), "value": pct(d["ht_st_ratio"]),
         "threshold": "≥ " + pct(rules.min_st_personnel_ratio, 0), "met": met_of(d["ht_st_personnel_met"]),
         "note": _("Counts people who worked %(days)s days or more in the year.")
         % {"days": rules.st_personnel_min_days}},
        {"code": "rd_ratio", "label": _("R&D / revenue over the last %(years)s years") % {"years": rules.rd_years},
         "value": _("%(ratio)s over %(years)s years; %(domestic)s inside China")
         % {"ratio": pct(d["ht_rd_ratio_3y"], 2), "years": int(years), "domestic": pct(d["ht_domestic_share"], 0)},
         "threshold": _("≥ %(ratio)s (by latest revenue); ≥ %(domestic)s inside China")
         % {"ratio": pct(d["ht_rd_threshold"], 0), "domestic": pct(rules.min_domestic_rd_share, 0)},
         "met": met_of(d["ht_rd_ratio_met"]),
         "note": _("Firms under %(years)s years use their actual years.") % {"years": rules.rd_years}
         if years < rules.rd_years else ""},
        {"code": "high_tech_revenue", "label": _("High-tech product revenue / revenue, last year"),
         "value": pct(d["ht_high_tech_share"]), "threshold": "≥ " + pct(rules.min_high_tech_revenue_share, 0),
         "met": met_of(d["ht_high_tech_revenue_met"]), "note": ""},
        {"code": "capability", "label": _("Innovation capability (estimate)"),
         "value": _("%(estimate)s (range %(low)s–%(high)s)") % {"estimate": f"{portrait.capability_estimate:g}",
                                                                "low": f"{portrait.capability_low:g}",
                                                                "high": f"{portrait.capability_high:g}"},
         "threshold": _("> %(score)s") % {"score": rules.min_capability_score_exclusive},
         "met": met_of(d["ht_capability_met"]),
         "note": _("An estimate: experts judge part of this score; not a verdict.")},
        {"code": "no_incident", "label": _("No major safety, quality or environmental incident"), "value": "—",
         "threshold": _("none in the last year"), "met": None, "note": _("Not recorded in the portal: check.")},
    ]  # fmt: skip


def capability_parts(portrait: Portrait) -> list[dict]:
    d, model = portrait.details, ruleset_of(portrait).high_tech.capability
    ip_expert_max = model.ip_max - model.ip_quantity_class1[1]
    return [
        {"label": _("IP quantity"), "low": d["cap_ip_low"], "high": d["cap_ip_high"],
         "max": model.ip_quantity_class1[1], "expert": False},
        {"label": _("IP quality (experts)"), "low": 0, "high": d["cap_ip_expert_high"], "max": ip_expert_max,
         "expert": True},
        {"label": _("Results conversion (%(per_year)s a year)") % {"per_year": f"{d['cap_conversions'] or 0:.1f}"},
         "low": d["cap_conversion_low"], "high": d["cap_conversion_high"], "max": model.conversion_max,
         "expert": False},
        {"label": _("R&D organisation (experts)"), "low": 0, "high": d["cap_organisation_high"],
         "max": model.organisation_max, "expert": True},
        {"label": _("Net-asset growth %(rate)s") % {"rate": pct(d["cap_net_asset_growth"])},
         "low": d["cap_net_asset_low"], "high": d["cap_net_asset_high"], "max": model.growth_part_max,
         "expert": False},
        {"label": _("Sales growth %(rate)s") % {"rate": pct(portrait.revenue_growth)}, "low": d["cap_sales_low"],
         "high": d["cap_sales_high"], "max": model.growth_part_max, "expert": False},
    ]  # fmt: skip


def upper_rungs(portrait: Portrait) -> list[dict]:
    d, ruleset = portrait.details, ruleset_of(portrait)
    return [
        {"label": _("Gazelle candidate"), "met": portrait.gazelle_candidate,
         "value": _("revenue CAGR %(cagr)s") % {"cagr": pct(d["gazelle_cagr"])},
         "threshold": _("≥ %(cagr)s, revenue ≥ %(revenue)s, valid high-tech certificate")
         % {"cagr": pct(ruleset.gazelle.min_revenue_cagr, 0), "revenue": wan(ruleset.gazelle.min_revenue)}},
        {"label": _("Specialised and innovative (专精特新) candidate"), "met": portrait.srdi_candidate,
         "value": _("100-point score %(low)s–%(high)s") % {"low": count(d.get("srdi_score")),
                                                         "high": count(d.get("srdi_score_high"))}
         if ruleset.srdi.own_model else _("100-point score %(score)s") % {"score": portrait.innovative_sme_score},
         "threshold": _("R&D ≥ %(rd)s and ≥ %(ratio)s, revenue ≥ %(revenue)s, score ≥ %(score)s or a direct route")
         % {"rd": wan(ruleset.srdi.min_rd_expense), "ratio": pct(ruleset.srdi.min_rd_ratio, 0),
            "revenue": wan(ruleset.srdi.min_revenue), "score": ruleset.srdi.min_score}},
        {"label": _("Innovative SME (100-point model)"), "met": isme_passes(portrait),
         "value": str(portrait.innovative_sme_score)
         + (" · " + route_label(d.get("isme_route"), ISME_ROUTES, ISME_ROUTE_LABELS) if _number(d.get("isme_route"))
            else ""),
         "threshold": _("≥ %(score)s, parts ≥ %(innovation)s / %(growth)s / %(specialisation)s, or a direct route")
         % {"score": ruleset.innovative_sme.min_score, "innovation": ruleset.innovative_sme.min_innovation,
            "growth": ruleset.innovative_sme.min_growth,
            "specialisation": ruleset.innovative_sme.min_specialisation}},
    ]  # fmt: skip


def isme_passes(portrait: Portrait) -> bool:
    """The portrait's column; portraits of runs before it was a column kept it in their details."""
    return bool(portrait.details.get("isme_passes", portrait.innovative_sme_passes))


def innovative_sme_breakdown(portrait: Portrait) -> dict:
    """创新型中小企业 (63号 附件1): the three parts against their minimums, the score, and whether it passes by the
    score or by a direct route (which one); the gaps to each part's minimum in words."""
    d, model = portrait.details, ruleset_of(portrait).innovative_sme
    parts = [
        (_("Innovation capability"), d.get("isme_innovation"), model.min_innovation, model.innovation_max),
        (_("Growth"), d.get("isme_growth"), model.min_growth, model.growth_max),
        (_("Specialisation"), d.get("isme_specialisation"), model.min_specialisation, model.specialisation_max),
    ]
    route = route_label(d.get("isme_route"), ISME_ROUTES, ISME_ROUTE_LABELS)
    return {
        "score": portrait.innovative_sme_score,
        "score_high": _number(d.get("isme_score_high")),
        "min_score": model.min_score,
        "passes": isme_passes(portrait),
        "by_score": bool(d.get("isme_by_score")),
        "route": route,
        "parts": [
            {"label": label, "points": _number(points), "min": minimum if model.as_written else None,
             "max": maximum, "met": None if _number(points) is None or not model.as_written else points >= minimum}
            for label, points, minimum, maximum in parts
        ],
        "gaps": innovative_sme_gaps(portrait),
    }  # fmt: skip


def innovative_sme_gaps(portrait: Portrait) -> list[str]:
    d, model = portrait.details, ruleset_of(portrait).innovative_sme
    if isme_passes(portrait) or d.get("gap_isme_points") is None:
        return []
    out = []
    if _number(d.get("gap_isme_points")):
        out.append(
            _("Innovative SME: the score is %(score)s points, %(min)s needed: %(points)s points to go.")
            % {"score": portrait.innovative_sme_score, "min": model.min_score, "points": count(d["gap_isme_points"])}
        )
    for key, name, minimum in (
        ("gap_isme_innovation", _("innovation capability"), model.min_innovation),
        ("gap_isme_growth", _("growth"), model.min_growth),
        ("gap_isme_specialisation", _("specialisation"), model.min_specialisation),
    ):
        if _number(d.get(key)):
            out.append(
                _("Innovative SME: the %(part)s part needs at least %(min)s points: %(points)s points short.")
                % {"part": name, "min": minimum, "points": count(d[key])}
            )
    return out


def srdi_breakdown(portrait: Portrait) -> dict:
    """专精特新 (63号 附件2): the four conditions, the own 100-point model (a range where the portal lacks data), the
    direct route met if any, and the gaps in words."""
    d, ruleset = portrait.details, ruleset_of(portrait)
    criteria, model = ruleset.srdi, ruleset.srdi_model
    own = criteria.own_model

    def part(label, low, high, maximum):
        return {"label": label, "low": low, "high": high, "max": maximum, "estimated": low != high}

    parts = srdi_parts(d, model)
    return {
        "candidate": portrait.srdi_candidate,
        "own_model": own,
        "score": _number(d.get("srdi_score")),
        "score_high": _number(d.get("srdi_score_high")),
        "min_score": criteria.min_score,
        "route": route_label(d.get("srdi_route"), SRDI_ROUTES, SRDI_ROUTE_LABELS),
        "conditions": [
            {"label": _("In its niche market for %(years)s years or more (years since founding)")
             % {"years": criteria.min_years_in_niche}, "met": bool(d.get("srdi_years_ok"))},
            {"label": _("Last year's R&D at least %(rd)s and at least %(ratio)s of revenue")
             % {"rd": wan(criteria.min_rd_expense), "ratio": pct(criteria.min_rd_ratio, 0)},
             "met": bool(d.get("srdi_rd_ok"))},
            {"label": _("Last year's revenue at least %(revenue)s, or equity financing of %(equity)s "
                        "in %(years)s years")
             % {"revenue": wan(criteria.min_revenue), "equity": wan(criteria.equity_instead_of_revenue),
                "years": criteria.equity_years} if own else
             _("Last year's revenue at least %(revenue)s") % {"revenue": wan(criteria.min_revenue)},
             "met": bool(d.get("srdi_scale_ok", d.get("srdi_revenue_ok")))},
            {"label": _("Score at least %(score)s, or a direct route") % {"score": criteria.min_score},
             "met": bool(d.get("srdi_score_ok")) or bool(_number(d.get("srdi_route")))},
        ],
        "parts": [
            part(_("Specialisation"), *parts["specialisation"], model.specialisation_max),
            part(_("Refinement"), *parts["refinement"], model.refinement_max),
            part(_("Distinctiveness (the province's own indicators)"), *parts["distinctiveness"],
                 model.distinctiveness_max),
            part(_("Innovation capability"), *parts["innovation"], model.innovation_max),
        ],
        "gaps": srdi_gaps(portrait),
    }  # fmt: skip


def srdi_parts(d: dict, model) -> dict[str, tuple[float, float]]:
    """The 专精特新 model's four parts as (lowest, highest) points, from the indicator values a portrait keeps (the
    rules store no sums) and the ranges the rule set gives the indicators the portal holds no data for."""
    if d.get("srdi_score") is None:
        return {name: (None, None) for name in ("specialisation", "refinement", "distinctiveness", "innovation")}
    held = 1 if (d.get("n_years") or 0) > 0 else 0

    def total(*keys):
        return sum(float(d.get(key) or 0) for key in keys)

    specialisation = total("srdi_main_points", "srdi_growth_points", "srdi_niche_points")
    refinement = total("srdi_digital_low", "srdi_quality_low", "srdi_debt_points")
    quality_high = model.quality_max if held else total("srdi_quality_low")
    refinement_high = total("srdi_digital_high", "srdi_debt_points") + quality_high + held * model.net_margin_max
    innovation = total("srdi_ip_low", "srdi_rd_points", "srdi_institution_points")
    innovation_high = total("srdi_ip_high", "srdi_rd_points", "srdi_rd_staff_high", "srdi_institution_points")
    return {
        "specialisation": (specialisation, specialisation + held * model.field_max),
        "refinement": (refinement, refinement_high),
        "distinctiveness": (0, held * model.distinctiveness_max),
        "innovation": (innovation, innovation_high),
    }


def srdi_gaps(portrait: Portrait) -> list[str]:
    d, criteria = portrait.details, ruleset_of(portrait).srdi
    if portrait.srdi_candidate:
        return []
    out = []
    if _number(d.get("gap_srdi_years_days")):
        out.append(
            _("Specialised and innovative (专精特新): %(days)s days until %(years)s years since founding.")
            % {"days": count(d["gap_srdi_years_days"]), "years": criteria.min_years_in_niche}
        )
    if _number(d.get("gap_srdi_rd_yuan")):
        out.append(
            _("Specialised and innovative (专精特新): %(amount)s more R&D a year.")
            % {"amount": wan(d["gap_srdi_rd_yuan"])}
        )
    if _number(d.get("gap_srdi_revenue_yuan")):
        out.append(
            _("Specialised and innovative (专精特新): %(amount)s more revenue.")
            % {"amount": wan(d["gap_srdi_revenue_yuan"])}
        )
    if _number(d.get("gap_srdi_points")):
        out.append(
            _(
                "Specialised and innovative (专精特新): the data proves %(score)s points, %(min)s needed: "
                "%(points)s points to show (digitalisation, quality, brands and the province's indicators "
                "are not recorded)."
            )
            % {"score": count(d["srdi_score"]), "min": criteria.min_score, "points": count(d["gap_srdi_points"])}
        )
    return out


def gaps(portrait: Portrait) -> list[str]:
    """What the firm lacks for its next rung, quantified, in words."""
    d, ruleset = portrait.details, ruleset_of(portrait)
    out = []
    if portrait.tier in (Tier.T1, Tier.OUTSIDE) and portrait.sme_eligible and not portrait.sme_passes:
        if d["gap_sme_points"]:
            out.append(
                _("The SME score is %(score)s points; %(pass)s pass: %(points)s points to go.")
                % {
                    "score": portrait.sme_score,
                    "pass": ruleset.sme_scoring.pass_score,
                    "points": count(d["gap_sme_points"]),
                }
            )
        if _number(d["gap_sme_st_people"]):
            out.append(
                _("S&T staff are %(ratio)s of employees, %(target)s wanted: %(people)s more people.")
                % {
                    "ratio": pct(d["sme_st_ratio"]),
                    "target": pct(d["gap_sme_st_target"], 0),
                    "people": count(d["gap_sme_st_people"]),
                }
            )
        if _number(d["gap_sme_rd_yuan"]):
            out.append(
                _("R&D is %(ratio)s of revenue, %(target)s wanted: %(amount)s more R&D.")
                % {
                    "ratio": pct(d["sme_rd_revenue_ratio"]),
                    "target": pct(d["gap_sme_rd_target"], 0),
                    "amount": wan(d["gap_sme_rd_yuan"]),
                }
            )
        if _number(d["gap_sme_class2"]):
            out.append(
                _(
                    "No invention patent yet: one, or %(count)s more utility models, "
                    "designs or software copyrights, reach the next band."
                )
                % {"count": count(d["gap_sme_class2"])}
            )
    elif portrait.tier == Tier.T2:
        high = ruleset.high_tech
        if _number(d["gap_ht_registered_days"]):
            out.append(
                _("Registered for less than a year: %(days)s days to wait.")
                % {"days": count(d["gap_ht_registered_days"])}
            )
        if _number(d["gap_ht_class2"]):
            out.append(
                _("No core IP yet: one invention patent, or %(count)s utility models, designs or software copyrights.")
                % {"count": count(d["gap_ht_class2"])}
            )
        if d["ht_field_met"] is None:
            out.append(_("No supported high-tech field is recorded for the core technology."))
        if _number(d["gap_ht_st_people"]):
            out.append(
                _("S&T staff are %(ratio)s of employees, %(target)s wanted: %(people)s more people.")
                % {
                    "ratio": pct(d["ht_st_ratio"]),
                    "target": pct(high.min_st_personnel_ratio, 0),
                    "people": count(d["gap_ht_st_people"]),
                }
            )
        if _number(d["gap_ht_rd_yuan"]):
            out.append(
                _("R&D over %(years)s years is %(ratio)s of revenue, %(target)s wanted: %(amount)s more R&D.")
                % {
                    "ratio": pct(d["ht_rd_ratio_3y"]),
                    "target": pct(d["ht_rd_threshold"], 0),
                    "amount": wan(d["gap_ht_rd_yuan"]),
                    "years": d["ht_rd_years"],
                }
            )
        if _number(d["gap_ht_domestic_rd_yuan"]):
            out.append(
                _("%(share)s of R&D is spent in China, %(target)s wanted: %(amount)s more R&D in China.")
                % {
                    "share": pct(d["ht_domestic_share"]),
                    "target": pct(high.min_domestic_rd_share, 0),
                    "amount": wan(d["gap_ht_domestic_rd_yuan"]),
                }
            )
        if _number(d["gap_ht_high_tech_revenue_yuan"]):
            out.append(
                _(
                    "High-tech products bring %(share)s of revenue, %(target)s "
                    "wanted: %(amount)s more high-tech revenue."
                )
                % {
                    "share": pct(d["ht_high_tech_share"]),
                    "target": pct(high.min_high_tech_revenue_share, 0),
                    "amount": wan(d["gap_ht_high_tech_revenue_yuan"]),
                }
            )
        if _number(d["gap_ht_capability_points"]) is not None:
            out.append(
                _(
                    "The innovation capability is estimated at %(estimate)s points; "
                    "more than %(threshold)s wanted: %(points)s points or more to go."
                )
                % {
                    "estimate": f"{portrait.capability_estimate:g}",
                    "threshold": high.min_capability_score_exclusive,
                    "points": f"{d['gap_ht_capability_points']:g}",
                }
            )
    elif portrait.tier == Tier.T3:
        if _number(d["gap_gazelle_revenue_yuan"]):
            out.append(
                _("Gazelle: %(amount)s more revenue reaches the minimum.")
                % {"amount": wan(d["gap_gazelle_revenue_yuan"])}
            )
        if _number(d["gap_gazelle_growth_yuan"]):
            out.append(
                _("Gazelle: revenue grew %(cagr)s a year, %(target)s wanted: %(amount)s more revenue this year.")
                % {
                    "cagr": pct(d["gazelle_cagr"]),
                    "target": pct(ruleset.gazelle.min_revenue_cagr, 0),
                    "amount": wan(d["gap_gazelle_growth_yuan"]),
                }
            )
        out.extend(srdi_gaps(portrait))
        out.extend(innovative_sme_gaps(portrait))
    return out


def radar(portrait: Portrait) -> dict:
    """Six dimensions, each 0–100 of its own maximum, for the radar chart."""
    d, ruleset = portrait.details, ruleset_of(portrait)
    sme, cap, isme = ruleset.sme_scoring, ruleset.high_tech.capability, ruleset.innovative_sme

    def share(points, maximum):
        return round(100 * float(points or 0) / maximum, 1) if maximum else 0

    growth = ((d["cap_sales_low"] or 0) + (d["cap_sales_high"] or 0)) / 2
    return {
        "indicators": [
            {"name": _("S&T talent"), "max": 100},
            {"name": _("R&D input"), "max": 100},
            {"name": _("IP"), "max": 100},
            {"name": _("Results conversion"), "max": 100},
            {"name": _("Growth"), "max": 100},
            {"name": _("Specialisation"), "max": 100},
        ],
        "values": [
            share(d["sme_st_points"], sme.st_personnel_max),
            share(d["sme_rd_points"], sme.rd_max),
            share(d["sme_ip_points"], sme.results_max),
            share(((d["cap_conversion_low"] or 0) + (d["cap_conversion_high"] or 0)) / 2, cap.conversion_max),
            share(growth, cap.growth_part_max),
            share(d["isme_main_points"], isme.main_business_max),
        ],
    }


# The registry figures each row of the portrait was computed from (a firm's own fields, or its latest year's
# indicators): where they came from is shown beside the row to staff (scoring.templatetags: the source tags).
IP_FIGURES = ("invention_patents", "other_class1_ip", "utility_models", "designs", "software_copyrights")
SME_PART_FIGURES = (
    ("st_personnel", "employees"),
    ("rd_expense", "revenue", "total_costs"),
    IP_FIGURES,
)
CONDITION_FIGURES = {
    "registered": ("founded_on",),
    "core_ip": IP_FIGURES,
    "st_personnel": ("st_personnel", "employees"),
    "rd_ratio": ("rd_expense", "rd_expense_domestic", "revenue"),
    "high_tech_revenue": ("high_tech_revenue", "revenue"),
}
UPPER_RUNG_FIGURES = (("revenue",), ("rd_expense", "revenue"), ())


def figures_used(explained: dict, *, ip_from_register: bool) -> list[tuple[dict, tuple[str, ...]]]:
    """Each row of `explained` (the SME parts, the high-tech conditions, the upper rungs) with the registry figures
    it was computed from. IP counts read from the patent register are not registry figures: those rows get none."""

    def without_ip(fields):
        return tuple(f for f in fields if f not in IP_FIGURES) if ip_from_register else fields

    rows = list(zip(explained["sme"]["parts"], SME_PART_FIGURES, strict=True))
    rows += [(c, CONDITION_FIGURES.get(c["code"], ())) for c in explained["conditions"]]
    rows += list(zip(explained["upper_rungs"], UPPER_RUNG_FIGURES, strict=True))
    return [(row, without_ip(fields)) for row, fields in rows]


def explain(portrait: Portrait) -> dict:
    """Everything a page or the API shows of a portrait."""
    return {
        "tags": tags(portrait),
        "sme": sme_breakdown(portrait),
        "conditions": conditions(portrait),
        "capability_parts": capability_parts(portrait),
        "upper_rungs": upper_rungs(portrait),
        "innovative_sme": innovative_sme_breakdown(portrait),
        "srdi": srdi_breakdown(portrait),
        "gaps": gaps(portrait),
        "radar": radar(portrait),
    }
