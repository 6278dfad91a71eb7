"""One plan per firm (一企一策): the gaps of each firm's latest portrait tracked across runs, and the staff's tasks.

`plan_gaps_from_run` runs inside the publication transaction, right after `place_from_run`. It is set-based: one
query reads the run's portraits, one the open gaps of the run's firms; the gaps are derived from the stored portrait
columns in pandas in one vectorised pass (the same rules as `scoring.presentation.gaps`, each with a stable code),
and the differences are written in a few bulk statements. Task writes go through the services below; every status
change goes through `cultivation.workflows.plan_task_transition` and its transitions table, and is audited.
"""

import logging
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cultivation.models import PlacementLog, PlanGap, PlanTask, PlanTaskEvent, PlanTaskStatus
from cultivation.permissions import can_change_task, can_edit_plan
from enterprises.models import LEFT_POOL_STATUSES
from scoring.models import Portrait, ScoringRun, Tier

logger = logging.getLogger(__name__)

TEN_THOUSAND = 10000
BATCH = 5000
OPEN_TASK_STATUSES = (PlanTaskStatus.TODO, PlanTaskStatus.DOING)

# Which portraits a family of gaps applies to (as in scoring.presentation.gaps).
SME, T2, T3 = "sme", "t2", "t3"


@dataclass(frozen=True)
class GapSpec:
    key: str  # stable code, kept across runs
    family: str  # SME, T2 or T3
    column: str  # the detail value it reads
    test: str  # "nonzero": a number other than 0; "present": any number; "missing": no value
    unit: str  # how the value is written: "count", "yuan", "score", ""
    label: str  # short name of the gap
    template: str  # the gap in words, with %(value)s


GAP_SPECS = (
    GapSpec("sme_points", SME, "gap_sme_points", "nonzero", "count", _("Tech-based SME score"),
            _("SME score short of the pass mark: %(value)s points")),
    GapSpec("sme_st_people", SME, "gap_sme_st_people", "nonzero", "count", _("S&T personnel (SME)"),
            _("S&T personnel: %(value)s more people")),
    GapSpec("sme_rd", SME, "gap_sme_rd_yuan", "nonzero", "yuan", _("R&D input (SME)"),
            _("R&D ratio: %(value)s × 10k yuan more R&D")),
    GapSpec("sme_class2", SME, "gap_sme_class2", "nonzero", "count", _("IP (SME)"),
            _("No Class I IP: 1 invention patent, or %(value)s more Class II")),
    GapSpec("ht_registered", T2, "gap_ht_registered_days", "nonzero", "count", _("Registered a year"),
            _("Registered under a year: %(value)s more days")),
    GapSpec("ht_core_ip", T2, "gap_ht_class2", "nonzero", "count", _("Core IP"),
            _("No Class I IP: 1 invention patent or %(value)s Class II")),
    GapSpec("ht_field", T2, "ht_field_met", "missing", "", _("Supported high-tech field"),
            _("No supported high-tech field recorded for the core technology")),
    GapSpec("ht_st_people", T2, "gap_ht_st_people", "nonzero", "count", _("S&T personnel"),
            _("S&T personnel: %(value)s more people")),
    GapSpec("ht_rd", T2, "gap_ht_rd_yuan", "nonzero", "yuan", _("R&D / revenue"),
            _("R&D ratio: %(value)s × 10k yuan more R&D")),
    GapSpec("ht_domestic_rd", T2, "gap_ht_domestic_rd_yuan", "nonzero", "yuan", _("R&D inside China"),
            _("R&D inside China: %(value)s × 10k yuan more domestic R&D")),
    GapSpec("ht_high_tech_revenue", T2, "gap_ht_high_tech_revenue_yuan", "nonzero", "yuan",
            _("High-tech product revenue"), _("High-tech revenue: %(value)s × 10k yuan more")),
    GapSpec("ht_capability", T2, "gap_ht_capability_points", "present", "score", _("Innovation capability"),
            _("Capability estimate: more than %(value)s points needed")),
    GapSpec("gazelle_revenue", T3, "gap_gazelle_revenue_yuan", "nonzero", "yuan", _("Gazelle: revenue"),
            _("Gazelle: revenue %(value)s × 10k yuan short of the minimum")),
    GapSpec("gazelle_growth", T3, "gap_gazelle_growth_yuan", "nonzero", "yuan", _("Gazelle: growth"),
            _("Gazelle: %(value)s × 10k yuan more revenue this year")),
    GapSpec("srdi_rd", T3, "gap_srdi_rd_yuan", "nonzero", "yuan", _("专精特新: R&D"),
            _("专精特新: %(value)s × 10k yuan more R&D last year")),
    GapSpec("srdi_revenue", T3, "gap_srdi_revenue_yuan", "nonzero", "yuan", _("专精特新: revenue"),
            _("专精特新: revenue %(value)s × 10k yuan short")),
)  # fmt: skip
GAP_LABELS = {spec.key: spec.label for spec in GAP_SPECS}

_FORMATS = {
    "count": lambda values: values.round().astype("int64").astype(str),
    "yuan": lambda values: (values / TEN_THOUSAND).map("{:,.2f}".format),
    "score": lambda values: values.map("{:g}".format),
    "": lambda values: pd.Series("", index=values.index),
}


def gap_label(key: str) -> str:
    return str(GAP_LABELS.get(key, key))


def gaps_frame(portraits: pd.DataFrame, detail_keys: list[str]) -> pd.DataFrame:
    """The gaps of a run's portraits as rows (enterprise_id, key, text), one vectorised pass per gap code.

    `portraits` has the columns enterprise_id, tier, sme_eligible, sme_passes and detail (the stored value lists,
    named by `detail_keys`). A value the run did not store gives no gap."""
    empty = pd.DataFrame(
        {"enterprise_id": pd.Series(dtype="int64"), "key": pd.Series(dtype=object), "text": pd.Series(dtype=object)}
    )
    if portraits.empty:
        return empty
    details = pd.DataFrame(portraits["detail"].tolist(), index=portraits.index)
    index = {name: position for position, name in enumerate(detail_keys)}
    tier = portraits["tier"]
    families = {
        SME: tier.isin([Tier.T1, Tier.OUTSIDE]) & portraits["sme_eligible"] & ~portraits["sme_passes"],
        T2: tier == Tier.T2,
        T3: tier == Tier.T3,
    }
    parts = []
    with translation.override(settings.LANGUAGE_CODE):
        for spec in GAP_SPECS:
            position = index.get(spec.column)
            if position is None or position not in details.columns:
                continue
            values = pd.to_numeric(details[position], errors="coerce").astype(float)
            if spec.test == "missing":
                has = values.isna()
            elif spec.test == "present":
                has = values.notna()
            else:
                has = values.notna() & (values != 0)
            mask = families[spec.family] & has
            if not mask.any():
                continue
            chosen = values[mask]
            head, _sep, tail = str(spec.template).partition("%(value)s")
            text = head + _FORMATS[spec.unit](chosen.fillna(0)) + tail if _sep else pd.Series(head, index=chosen.index)
            parts.append(
                pd.DataFrame({"enterprise_id": portraits.loc[mask, "enterprise_id"], "key": spec.key, "text": text})
            )
    if not parts:
        return empty
    return pd.concat(parts, ignore_index=True)


def _portraits(run: ScoringRun) -> pd.DataFrame:
    """The run's portraits, less those of firms closed or moved out (their gaps close: nothing left to close)."""
    rows = list(
        Portrait.objects.filter(run=run)
        .exclude(enterprise__registration_status__in=LEFT_POOL_STATUSES)
        .order_by()
        .values_list("enterprise_id", "tier", "sme_eligible", "sme_passes", "detail")
    )
    return pd.DataFrame(rows, columns=["enterprise_id", "tier", "sme_eligible", "sme_passes", "detail"])


def plan_gaps_from_run(*, run: ScoringRun) -> dict:
    """Open the run's new gaps, refresh the text of the continuing ones, close the ones that disappeared (for the
    firms of the run). Idempotent: a second call finds nothing to change. A run older than one already placed is
    not applied (it must not reopen gaps closed since)."""
    if PlacementLog.objects.filter(run__run_date__gt=run.run_date).exists():
        logger.warning("Run %s is older than a placed run; its gaps are not applied", run.pk)
        return {"opened": 0, "refreshed": 0, "closed": 0}
    current = gaps_frame(_portraits(run), list(run.detail_keys or []))
    open_rows = list(
        PlanGap.objects.filter(closed_run__isnull=True, enterprise__portraits__run=run)
        .order_by()
        .values_list("pk", "enterprise_id", "key", "text")
    )
    existing = pd.DataFrame(open_rows, columns=["pk", "enterprise_id", "key", "old_text"]).astype(
        {"pk": "int64", "enterprise_id": "int64", "key": object, "old_text": object}
    )
    current = current.astype({"enterprise_id": "int64", "key": object, "text": object})
    merged = current.merge(existing, on=["enterprise_id", "key"], how="outer", indicator=True)
    to_open = merged[merged["_merge"] == "left_only"]
    to_close = merged.loc[merged["_merge"] == "right_only", "pk"].astype("int64").tolist()
    both = merged[merged["_merge"] == "both"]
    to_refresh = both[both["text"] != both["old_text"]]
    with transaction.atomic():
        PlanGap.objects.bulk_create(
            (
                PlanGap(
                    enterprise_id=int(enterprise_id),
                    key=key,
                    text=text,
                    opened_run=run,
                    opened_on=run.run_date,
                )
                for enterprise_id, key, text in to_open[["enterprise_id", "key", "text"]].itertuples(index=False)
            ),
            batch_size=BATCH,
        )
        PlanGap.objects.bulk_update(
            [PlanGap(pk=int(pk), text=text) for pk, text in to_refresh[["pk", "text"]].itertuples(index=False)],
            ["text"],
            batch_size=BATCH,
        )
        for start in range(0, len(to_close), BATCH):
            PlanGap.objects.filter(pk__in=to_close[start : start + BATCH]).update(
                closed_run=run, closed_on=run.run_date
            )
        dropped = _drop_tasks_of_firms_that_left(run=run)
    counts = {"opened": len(to_open), "refreshed": len(to_refresh), "closed": len(to_close)}
    logger.info("Run %s plan gaps: %s; tasks of firms that left dropped: %s", run.pk, counts, dropped)
    return counts


def _drop_tasks_of_firms_that_left(*, run: ScoringRun) -> int:
    """The open tasks (to do, in progress) of the run's firms that closed or moved out are dropped, each with its
    event (no actor: the night's, like a warning's auto-resolution, never a staff move), so that they stop showing
    as due or overdue. Two reads and two bulk writes; a second call finds none open."""
    tasks = list(
        PlanTask.objects.filter(
            status__in=OPEN_TASK_STATUSES,
            enterprise__registration_status__in=LEFT_POOL_STATUSES,
            enterprise__portraits__run=run,
        )
        .order_by()
        .values_list("pk", "status")
    )
    if not tasks:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        note = str(_("Dropped by the nightly run: the firm closed or moved out of the city."))
    PlanTaskEvent.objects.bulk_create(
        (
            PlanTaskEvent(task_id=pk, from_state=status, to_state=PlanTaskStatus.DROPPED, note=note)
            for pk, status in tasks
        ),
        batch_size=BATCH,
    )
    ids = [pk for pk, _status in tasks]
    for start in range(0, len(ids), BATCH):
        PlanTask.objects.filter(pk__in=ids[start : start + BATCH], status__in=OPEN_TASK_STATUSES).update(
            status=PlanTaskStatus.DROPPED
        )
    return len(ids)


# ---------------------------------------------------------------------------------------------------------------
# Tasks

TASK_FIELDS = ("gap", "what", "who", "assignee", "due_on", "notes")


def _clean_task(*, enterprise, data: dict) -> dict:
    data = {name: value for name, value in data.items() if name in TASK_FIELDS}
    if "what" in data:
        data["what"] = (data["what"] or "").strip()
        if not data["what"]:
            raise ValidationError({"what": _("Say what is to be done.")})
    for name in ("who", "notes"):
        if name in data:
            data[name] = (data[name] or "").strip()
    gap = data.get("gap")
    if gap is not None and gap.enterprise_id != enterprise.pk:
        raise ValidationError({"gap": _("This gap belongs to another firm.")})
    return data


def plan_task_create(*, enterprise, actor, **data) -> PlanTask:
    """Add a task to the plan of `enterprise` (from a scoped selector); audited as its first status."""
    if not can_edit_plan(actor, enterprise):
        raise PermissionDenied
    data = _clean_task(enterprise=enterprise, data=data)
    if not data.get("what"):
        raise ValidationError({"what": _("Say what is to be done.")})
    with transaction.atomic():
        task = PlanTask.objects.create(enterprise=enterprise, created_by=actor, **data)
        PlanTaskEvent.objects.create(task=task, from_state="", to_state=task.status, actor=actor)
    return task


def plan_task_update(*, task: PlanTask, actor, **data) -> PlanTask:
    """Change what, who, due date, notes or gap of a task. The status changes through
    `cultivation.workflows.plan_task_transition`."""
    if not can_change_task(actor, task):
        raise PermissionDenied
    if "status" in data:
        raise ValidationError({"status": _("Change the status through its own action.")})
    data = _clean_task(enterprise=task.enterprise, data=data)
    if not data:
        return task
    for name, value in data.items():
        setattr(task, name, value)
    task.save(update_fields=[*data, "updated_at"])
    return task


__all__ = [
    "GAP_SPECS",
    "gap_label",
    "gaps_frame",
    "plan_gaps_from_run",
    "plan_task_create",
    "plan_task_update",
]
