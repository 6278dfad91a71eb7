"""Reads of scoring runs and portraits. Every function reading firm data takes `user=` and scopes through
accounts.scoping; only published runs are ever shown."""

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import Http404

from accounts.scoping import scope_to_user
from enterprises.models import Enterprise
from rulesets import RuleSet, get_ruleset
from scoring.models import Portrait, ScoringChunk, ScoringRun, ScoringSettings
from scoring.rules import TAG_BITS


def ruleset_year_in_force() -> int:
    """The rule-set version chosen by the city administrator, else settings.SCORING_RULESET_YEAR."""
    year = ScoringSettings.objects.order_by("-pk").values_list("ruleset_year", flat=True).first()
    return year if year is not None else settings.SCORING_RULESET_YEAR


def ruleset_in_force() -> RuleSet:
    return get_ruleset(ruleset_year_in_force())


def published_runs() -> QuerySet[ScoringRun]:
    """Published runs, newest first: by date, then by creation (never by when they finished: a run delivered again
    late and finishing last does not become the newest)."""
    return ScoringRun.objects.filter(status=ScoringRun.Status.PUBLISHED).order_by("-run_date", "-pk")


def current_run() -> ScoringRun | None:
    """The newest published run: the one every page shows. A run in progress or killed never is."""
    return published_runs().first()


def run_list() -> QuerySet[ScoringRun]:
    """Runs for the progress page (runs carry no firm data, only counts)."""
    return ScoringRun.objects.order_by("-started_at")


def chunk_numbers(*, run_id: int, pending_only: bool = False) -> list[int]:
    """The numbers of the run's chunks (only those not scored yet with `pending_only`), in order (what the chunk
    tasks take)."""
    chunks = ScoringChunk.objects.filter(run_id=run_id)
    if pending_only:
        chunks = chunks.filter(status=ScoringChunk.Status.PENDING)
    return list(chunks.order_by("number").values_list("number", flat=True))


def run_get(*, pk: int) -> ScoringRun:
    try:
        return ScoringRun.objects.get(pk=pk)
    except ScoringRun.DoesNotExist:
        raise Http404("No such run") from None


def portrait_list(
    *,
    user,
    run: ScoringRun | None = None,
    county: str | None = None,
    tier: str | None = None,
    tag: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    score_field: str = "readiness",
) -> QuerySet[Portrait]:
    """Portraits of the current (or given) run that `user` may see, filtered; ranked by readiness."""
    run = run or current_run()
    if run is None:
        return Portrait.objects.none()
    queryset = scope_to_user(Portrait.objects.filter(run=run), user=user, enterprise_path="enterprise")
    if county:
        queryset = queryset.filter(county__code=county)
    if tier:
        queryset = queryset.filter(tier=tier)
    if tag:
        bit = TAG_BITS[tag]
        queryset = queryset.alias(tag_hit=F("tag_mask").bitand(bit)).filter(tag_hit=bit)
    if min_score is not None:
        queryset = queryset.filter(**{f"{score_field}__gte": min_score})
    if max_score is not None:
        queryset = queryset.filter(**{f"{score_field}__lte": max_score})
    return queryset.select_related("enterprise", "county", "run", "rank").order_by("-readiness", "enterprise_id")


def portrait_for(*, user, enterprise: Enterprise, run: ScoringRun | None = None) -> Portrait | None:
    """The firm's portrait in the current run, or None. `enterprise` must come from a scoped selector."""
    run = run or current_run()
    if run is None:
        return None
    queryset = Portrait.objects.filter(run=run, enterprise=enterprise)
    queryset = scope_to_user(queryset, user=user, enterprise_path="enterprise")
    return queryset.select_related("run", "rank", "enterprise").first()


def portrait_get(*, user, credit_code: str) -> Portrait:
    """The current portrait of a firm by credit code, or 404 (absent, outside the scope, or not scored yet)."""
    run = current_run()
    queryset = scope_to_user(Portrait.objects.filter(run=run), user=user, enterprise_path="enterprise")
    try:
        return queryset.select_related("enterprise", "county", "run", "rank").get(enterprise__credit_code=credit_code)
    except Portrait.DoesNotExist:
        raise Http404("No portrait") from None


def portrait_history(*, user, enterprise: Enterprise, limit: int = 60) -> list[dict]:
    """The firm's headline scores in each published run, oldest first (one query)."""
    queryset = scope_to_user(
        Portrait.objects.filter(enterprise=enterprise, run__status=ScoringRun.Status.PUBLISHED),
        user=user,
        enterprise_path="enterprise",
    )
    rows = queryset.order_by("-run__run_date", "-run_id").values(
        "run__run_date", "tier", "readiness", "sme_score", "capability_estimate", "innovative_sme_score"
    )[:limit]
    return [
        {
            "date": row["run__run_date"],
            "tier": row["tier"],
            "readiness": row["readiness"],
            "sme_score": row["sme_score"],
            "capability_estimate": row["capability_estimate"],
            "innovative_sme_score": row["innovative_sme_score"],
        }
        for row in reversed(rows)
    ]
