"""The dashboard as plain data: one shape for the page's charts (embedded with json_script), the API and the tests.
Money is a decimal string in yuan (exact), shares are fractions, counts are integers."""

from decimal import Decimal

from django.utils.translation import gettext as _

from dashboards.figures import FIRM_SETS, SCORE_BIN_LABELS, Kind
from dashboards.selectors import Dashboard, FigureValue
from scoring.models import Tier

SHARE_DIGITS = 4


def number(value, kind: Kind):
    """A figure's value for JSON."""
    if value is None:
        return None
    if kind == Kind.MONEY:
        return str(Decimal(value).quantize(Decimal("0.01")))
    if kind == Kind.SHARE:
        return round(float(value), SHARE_DIGITS)
    return int(value)


def _headline(item: FigureValue) -> dict:
    kind = item.figure.kind
    return {
        "key": item.figure.key,
        "label": str(item.figure.label),
        "kind": str(kind),
        "value": number(item.value, kind),
        "year_ago": number(item.year_ago, kind),
        "change": number(item.change, kind),
        "target": number(item.target, kind),
        "benchmark": number(item.benchmark, kind),
        "benchmark_label": item.benchmark_label,
        "progress": number(item.progress, Kind.SHARE),
        "firms_url": item.firms_url,
        "gap_url": item.gap_url,
        "gap_label": item.gap_label,
        "link_url": item.link_url,
    }


def dashboard_data(dashboard: Dashboard, *, county_url=None) -> dict:
    """`county_url(code)`, when given, adds each county's dashboard address (the bars link there)."""
    refresh = dashboard.refresh
    kinds = {figure.key: figure.kind for figure in dashboard.figures}
    return {
        "computed_at": refresh.computed_at.isoformat() if refresh else None,
        "trigger": refresh.get_trigger_display() if refresh else None,
        "year": dashboard.year,
        "county": {"code": dashboard.county.code, "name": dashboard.county.name} if dashboard.county else None,
        "targets_are_defaults": dashboard.targets.is_default if dashboard.targets else None,
        "headline": [_headline(item) for item in dashboard.headline],
        "counties": [
            {
                "code": row.county.code,
                "name": row.county.name,
                "url": county_url(row.county.code) if county_url else None,
                "values": {key: number(value, kinds[key]) for key, value in row.values.items()},
                "changes": {key: number(value, kinds[key]) for key, value in row.changes.items()},
                "ranks": row.ranks,
                "tiers": row.tiers,
            }
            for row in dashboard.rows
        ],
        "trends": {
            "labels": dashboard.trend_labels,
            "series": [
                {
                    "key": figure.key,
                    "label": str(figure.label),
                    "kind": str(figure.kind),
                    "values": [number(value, figure.kind) for value in dashboard.trends.get(figure.key, [])],
                }
                for figure in dashboard.figures
            ],
        },
        "tiers": [
            {"tier": tier.value, "label": str(tier.label), "firms": dashboard.tiers.get(tier.value, 0)} for tier in Tier
        ],
        "movements": {
            "months": [month.strftime("%Y-%m") for month in dashboard.months],
            "up": dashboard.moves_up,
            "down": dashboard.moves_down,
            "labels": {"up": _("Moves up"), "down": _("Moves down")},
        },
        "score_distribution": {
            "bins": list(SCORE_BIN_LABELS),
            "tiers": [
                {"tier": tier, "label": str(Tier(tier).label), "firms": firms}
                for tier, firms in dashboard.score_distribution.items()
            ],
        },
        "vouchers": {
            "budget": number(dashboard.voucher_budget, Kind.MONEY),
            "kinds": [{"code": code, "name": name} for code, name in dashboard.voucher_kinds],
            "counties": [
                {
                    "code": code,
                    "name": name,
                    "granted": {kind: number(amount, Kind.MONEY) for kind, amount in amounts.items()},
                }
                for code, name, amounts in dashboard.voucher_spend
            ],
        },
        "firm_sets": {key: str(firm_set.label) for key, firm_set in FIRM_SETS.items()},
    }
