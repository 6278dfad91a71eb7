"""Reads of the patent register, scoped: every query goes through accounts.scoping.scope_to_user, so a firm or a
patent outside the user's scope is simply not found (404)."""

from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scope_counties, scope_to_user
from enterprises.models import AnnualIndicator, County, Enterprise
from ip.evaluation import reason_codes
from ip.models import CLASS1_KINDS, CLASS2_KINDS, IpKind, LegalStatus, Patent
from rulesets import get_ruleset
from scoring.selectors import ruleset_year_in_force

TEN_THOUSAND = 10_000
HIGH_VALUE_LABELS = {
    "strategic_emerging": gettext_lazy("strategic emerging industry"),
    "foreign_family": gettext_lazy("granted abroad"),
    "long_maintained": gettext_lazy("long maintained"),
    "large_pledge": gettext_lazy("large pledge financing"),
    "award": gettext_lazy("award"),
}


def held_valid() -> Q:
    return Q(legal_status=LegalStatus.VALID, transferred_out_on__isnull=True)


def patent_list(*, user) -> QuerySet[Patent]:
    return scope_to_user(
        Patent.objects.select_related("enterprise", "enterprise__county"), user=user, enterprise_path="enterprise"
    )


def patent_get(*, user, pk: int) -> Patent:
    patent = patent_list(user=user).filter(pk=pk).first()
    if patent is None:
        raise Http404("No such patent")
    return patent


def firm_get(*, user, credit_code: str) -> Enterprise:
    firm = scope_to_user(Enterprise.objects.select_related("county"), user=user).filter(credit_code=credit_code).first()
    if firm is None:
        raise Http404("No such enterprise")
    return firm


def firm_register(enterprise: Enterprise) -> list[Patent]:
    return list(enterprise.patents.order_by("-value_score", "number"))


def firm_summary(enterprise: Enterprise, patents: list[Patent]) -> dict:
    """Counts, high-value patents per 10,000 employees (latest indicators) and the strongest patents; reads the
    register already loaded, plus one query for the employees."""
    held = [p for p in patents if p.legal_status == LegalStatus.VALID and p.transferred_out_on is None]
    high_value = [p for p in held if p.high_value]
    employees = (
        AnnualIndicator.objects.filter(enterprise=enterprise).order_by("-year").values_list("employees", flat=True)
    ).first()
    per_10k = round(len(high_value) * TEN_THOUSAND / employees, 1) if employees else None
    shown = get_ruleset(ruleset_year_in_force()).patent_value.strongest_shown
    return {
        "rights": len(patents),
        "held_valid": len(held),
        "class1": sum(1 for p in held if p.kind in CLASS1_KINDS),
        "class2": sum(1 for p in held if p.kind in CLASS2_KINDS),
        "inventions": sum(1 for p in held if p.kind == IpKind.INVENTION),
        "high_value": len(high_value),
        "employees": employees,
        "high_value_per_10k": per_10k,
        "strongest": sorted(held, key=lambda p: -(p.value_score or 0))[:shown],
    }


def reasons_of(patent: Patent) -> list[str]:
    return [str(HIGH_VALUE_LABELS[code]) for code in reason_codes(patent.high_value_reasons)]


def events_by_year(patents: list[Patent]) -> dict:
    """Filings, grants, rights ended, transfers in and out and licences per year: the firm page's chart."""
    series = {
        "filed": Counter(p.filed_on.year for p in patents),
        "granted": Counter(p.granted_on.year for p in patents if p.granted_on),
        "ended": Counter(p.status_on.year for p in patents if p.status_on and p.legal_status != LegalStatus.VALID),
        "transferred_in": Counter(p.acquired_on.year for p in patents if p.acquired_on),
        "transferred_out": Counter(p.transferred_out_on.year for p in patents if p.transferred_out_on),
        "licensed": Counter(p.licensed_on.year for p in patents if p.licensed_on),
    }
    years = sorted(set().union(*series.values()))
    labels = {"filed": _("Filed"), "granted": _("Granted"), "ended": _("Lapsed, expired or invalidated"),
              "transferred_in": _("Transferred in"), "transferred_out": _("Transferred out"),
              "licensed": _("Licensed out")}  # fmt: skip
    return {
        "years": years,
        "series": [{"key": key, "name": str(labels[key]), "data": [counts.get(y, 0) for y in years]}
                   for key, counts in series.items()],
    }  # fmt: skip


def county_overview(*, user) -> dict:
    """Per county in scope: rights, valid held Class I, high-value patents; and transfers in and out by year."""
    patents = patent_list(user=user).order_by()
    counties = list(
        patents.values("enterprise__county_id", "enterprise__county__name", "enterprise__county__code")
        .annotate(
            rights=Count("pk"),
            held_valid=Count("pk", filter=held_valid()),
            inventions=Count("pk", filter=held_valid() & Q(kind=IpKind.INVENTION)),
            high_value=Count("pk", filter=Q(high_value=True)),
            firms=Count("enterprise_id", distinct=True),
        )
        .order_by("enterprise__county__code")
    )
    transfers_in = dict(
        patents.filter(acquired_on__isnull=False).annotate(year=ExtractYear("acquired_on")).values_list("year")
        .annotate(n=Count("pk")).values_list("year", "n")
    )  # fmt: skip
    transfers_out = dict(
        patents.filter(transferred_out_on__isnull=False).annotate(year=ExtractYear("transferred_out_on"))
        .values_list("year").annotate(n=Count("pk")).values_list("year", "n")
    )  # fmt: skip
    years = sorted(set(transfers_in) | set(transfers_out))
    return {
        "counties": counties,
        "totals": {key: sum(row[key] for row in counties) for key in ("rights", "held_valid", "inventions",
                                                                      "high_value", "firms")},
        "years": years,
        "transfers_in": [transfers_in.get(y, 0) for y in years],
        "transfers_out": [transfers_out.get(y, 0) for y in years],
    }  # fmt: skip


def strongest_patents(*, user, county: int | None = None, kind: str = "", high_value_only: bool = False):
    """Valid held rights in scope ranked by value score (decision support for major projects)."""
    patents = patent_list(user=user).filter(held_valid(), value_score__isnull=False)
    if county:
        patents = patents.filter(enterprise__county_id=county)
    if kind:
        patents = patents.filter(kind=kind)
    if high_value_only:
        patents = patents.filter(high_value=True)
    return patents.order_by("-value_score", "number")


def counties_in_scope(*, user) -> QuerySet[County]:
    return scope_counties(County.objects.all(), user=user)


EXPORT_FIELDS = ("number", "kind", "title", "filed_on", "granted_on", "legal_status", "status_on", "claims", "ipc",
                 "strategic_emerging", "foreign_family_granted", "pledged_amount", "award", "acquired_on",
                 "acquired_from", "transferred_out_on", "transferred_to", "licence_count", "licensed_on",
                 "licensee")  # fmt: skip


def export_frame(patents: QuerySet[Patent]):
    """Register rows in the import template's terms (an export can be imported again)."""
    import pandas as pd

    rows = pd.DataFrame(
        list(patents.order_by("enterprise__credit_code", "number").values(
            "enterprise__credit_code", "enterprise__name", *EXPORT_FIELDS)),
        columns=["enterprise__credit_code", "enterprise__name", *EXPORT_FIELDS],
    )  # fmt: skip
    rows = rows.rename(columns={"enterprise__credit_code": "credit_code", "enterprise__name": "name"})
    rows["strategic_emerging"] = rows["strategic_emerging"].map({True: "t", False: "f"})
    return rows
