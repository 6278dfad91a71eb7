from django import template

from enterprises.selectors import source_groups
from scoring import presentation
from scoring.models import Tier
from scoring.selectors import portrait_for, portrait_history

register = template.Library()


@register.inclusion_tag("scoring/_portrait_panel.html", takes_context=True)
def portrait_panel(context, enterprise):
    """The firm's current portrait on its detail page: radar, scores, conditions, gaps, history (3 queries)."""
    user = context["request"].user
    portrait = portrait_for(user=user, enterprise=enterprise)
    panel = {"enterprise": enterprise, "portrait": portrait}
    if portrait is not None:
        panel["explained"] = presentation.explain(portrait)
        panel["history"] = portrait_history(user=user, enterprise=enterprise)
        # The firm page's sources of each figure (enterprises.selectors.figure_sources, read once by its view and
        # empty for users who do not see sources): each row gets the source tags of the figures it used. No query.
        sources = context.get("figure_sources")
        if sources:
            used = presentation.figures_used(
                panel["explained"], ip_from_register=bool(portrait.details.get("ip_from_register"))
            )
            for row, fields in used:
                row["sources"] = source_groups(sources, fields, before_year=portrait.run.run_date.year)
    return panel


@register.filter
def points_range(part):
    low, high = part["low"], part["high"]
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


@register.filter
def tier_label(code: str) -> str:
    """A stored tier code as its name (T2 小升高), for rows that carry the code."""
    return Tier(code).label if code in Tier.values else (code or "—")
