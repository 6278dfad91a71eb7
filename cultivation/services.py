"""Writes of three-tier cultivation: placing every firm after a scoring run, pinning and unpinning.

Placement is set-based: a handful of INSERT … SELECT / UPDATE statements over the run's portraits, the current
placements and the live pins, whatever the number of firms (no per-firm query, no model loop). The SQL is portable
between PostgreSQL and SQLite (`make run`).
"""

import datetime
import json
import logging
import math
import time

import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.signals import figures_changed
from cultivation.models import (
    ACTIVE_WARNING_STATES,
    TIER_RANK,
    CultivationWarning,
    MovementCause,
    PinEvent,
    PlacementLog,
    PlacementTally,
    TierMovement,
    TierPin,
    TierPlacement,
    WarningEvent,
    WarningKind,
    WarningSeverity,
    WarningState,
)
from cultivation.selectors import can_handle_warning, can_pin
from enterprises.models import AnnualIndicator, Qualification, QualificationKind
from rulesets import get_ruleset
from scoring.models import Portrait, ScoringRun, Tier
from scoring.rules import TAG_BITS

logger = logging.getLogger(__name__)


def _rank_sql(expression: str) -> str:
    return "CASE " + " ".join(f"WHEN {expression} = '{tier}' THEN {rank}" for tier, rank in TIER_RANK.items()) + " END"


# One row per firm of the run: the rules' tier, the live or expiring pin, the current placement, and the tier the
# firm gets now (a live pin's, else the rules'). A pin is live on the run's date up to and including `ends_on`.
# Parameters: run date (live), run date (expiring), run id.
PLACED_SQL = """
SELECT p.enterprise_id, p.tier AS rules_tier, p.sme_passes, p.sme_eligible, pl.tier AS old_tier,
       p.county_id, p.industry_division, p.readiness, p.tag_mask,
       CASE WHEN pin.ends_on >= %s THEN pin.tier ELSE p.tier END AS new_tier,
       COALESCE(pin.ends_on >= %s, FALSE) AS pinned,
       COALESCE(pin.ends_on < %s, FALSE) AS pin_expired,
       pin.reason AS pin_reason
FROM {portrait} p
LEFT JOIN {placement} pl ON pl.enterprise_id = p.enterprise_id
LEFT JOIN {pin} pin ON pin.enterprise_id = p.enterprise_id AND pin.ended_at IS NULL
WHERE p.run_id = %s
"""

# The cause of a move, read off the new portrait: T3 is exactly "holds a valid high-tech certificate"; T2 is a
# tech-SME registration, a passed SME evaluation, or a firm too big to be an SME; T1 is any innovation signal.
CAUSE_SQL = f"""
CASE
  WHEN placed.old_tier IS NULL THEN '{MovementCause.FIRST_PLACEMENT}'
  WHEN placed.pinned THEN '{MovementCause.PINNED}'
  WHEN placed.pin_expired THEN '{MovementCause.PIN_EXPIRED}'
  WHEN placed.new_tier = '{Tier.T3}' THEN '{MovementCause.HIGH_TECH_GAINED}'
  WHEN placed.old_tier = '{Tier.T3}' THEN '{MovementCause.HIGH_TECH_LOST}'
  WHEN placed.new_tier = '{Tier.T2}' AND placed.sme_passes THEN '{MovementCause.SME_EVALUATION_PASSED}'
  WHEN placed.new_tier = '{Tier.T2}' AND NOT placed.sme_eligible THEN '{MovementCause.OUTGREW_SME}'
  WHEN placed.new_tier = '{Tier.T2}' THEN '{MovementCause.TECH_SME_REGISTERED}'
  WHEN placed.old_tier = '{Tier.T2}' AND placed.new_tier = '{Tier.T1}' THEN '{MovementCause.TECH_SME_LOST}'
  WHEN placed.new_tier = '{Tier.OUTSIDE}' THEN '{MovementCause.SIGNAL_VANISHED}'
  WHEN placed.old_tier = '{Tier.OUTSIDE}' THEN '{MovementCause.SIGNAL_APPEARED}'
  ELSE '{MovementCause.RULES}'
END
"""

DIRECTION_SQL = f"""
CASE WHEN placed.old_tier IS NULL THEN 0
     WHEN {_rank_sql("placed.new_tier")} > {_rank_sql("placed.old_tier")} THEN 1
     ELSE -1 END
"""

# Parameters: date, run id, created_at, then PLACED_SQL's.
MOVEMENTS_SQL = """
INSERT INTO {movement} (enterprise_id, from_tier, to_tier, direction, date, run_id, cause, cause_text, created_at)
SELECT placed.enterprise_id, COALESCE(placed.old_tier, ''), placed.new_tier, {direction}, %s, %s, {cause},
       CASE WHEN placed.pinned THEN placed.pin_reason ELSE '' END, %s
FROM ({placed}) placed
WHERE placed.old_tier IS NULL OR placed.old_tier <> placed.new_tier
"""

# Parameters: run id, date, updated_at, then PLACED_SQL's. `WHERE TRUE`: SQLite needs a WHERE before ON CONFLICT
# to parse an INSERT … SELECT upsert. `since` moves only when the tier does.
PLACEMENTS_SQL = """
INSERT INTO {placement} (enterprise_id, tier, rules_tier, placed_by_run_id, since, pinned, updated_at,
                         county_id, industry_division, readiness, tag_mask)
SELECT placed.enterprise_id, placed.new_tier, placed.rules_tier, %s, %s, placed.pinned, %s,
       placed.county_id, placed.industry_division, placed.readiness, placed.tag_mask
FROM ({placed}) placed
WHERE TRUE
ON CONFLICT (enterprise_id) DO UPDATE SET
  since = CASE WHEN {placement}.tier = excluded.tier THEN {placement}.since ELSE excluded.since END,
  tier = excluded.tier,
  rules_tier = excluded.rules_tier,
  placed_by_run_id = excluded.placed_by_run_id,
  pinned = excluded.pinned,
  updated_at = excluded.updated_at,
  county_id = excluded.county_id,
  industry_division = excluded.industry_division,
  readiness = excluded.readiness,
  tag_mask = excluded.tag_mask
"""

# Parameters: at, date.
EXPIRY_EVENTS_SQL = f"""
INSERT INTO {{event}} (pin_id, enterprise_id, action, tier, ends_on, reason, actor_id, at)
SELECT id, enterprise_id, '{PinEvent.Action.EXPIRED}', tier, ends_on, '', NULL, %s
FROM {{pin}} WHERE ended_at IS NULL AND ends_on < %s
"""

END_REASON_EXPIRED = "expired"


def _tables() -> dict[str, str]:
    return {
        "portrait": Portrait._meta.db_table,
        "placement": TierPlacement._meta.db_table,
        "movement": TierMovement._meta.db_table,
        "pin": TierPin._meta.db_table,
        "event": PinEvent._meta.db_table,
    }


def place_from_run(*, run: ScoringRun) -> PlacementLog:
    """Place every firm of `run` in its tier, record each change as a movement, end the pins that expired before
    the run's date (audited). Once per run: a second call finds the run's PlacementLog and writes nothing.

    A run older than one already placed is logged but not applied: it must not move firms back in time."""
    started = time.monotonic()
    with transaction.atomic():
        try:
            with transaction.atomic():
                log = PlacementLog.objects.create(run=run)
        except IntegrityError:
            return PlacementLog.objects.get(run=run)
        if PlacementLog.objects.filter(run__run_date__gt=run.run_date).exists():
            logger.warning("Run %s is older than a placed run; its tiers are not applied", run.pk)
            return log
        ops = connection.ops
        date = ops.adapt_datefield_value(run.run_date)
        now = ops.adapt_datetimefield_value(timezone.now())
        tables = _tables()
        placed = PLACED_SQL.format(**tables)
        placed_params = [date, date, date, run.pk]
        with connection.cursor() as cursor:
            # Movements first: they compare the new tiers with the placements before these are overwritten.
            cursor.execute(
                MOVEMENTS_SQL.format(**tables, placed=placed, direction=DIRECTION_SQL, cause=CAUSE_SQL),
                [date, run.pk, now, *placed_params],
            )
            movements = cursor.rowcount
            cursor.execute(PLACEMENTS_SQL.format(**tables, placed=placed), [run.pk, date, now, *placed_params])
            firms = cursor.rowcount
            cursor.execute(EXPIRY_EVENTS_SQL.format(**tables), [now, date])
            expired = cursor.rowcount
        TierPin.objects.filter(ended_at__isnull=True, ends_on__lt=run.run_date).update(
            ended_at=timezone.now(), end_reason=END_REASON_EXPIRED
        )
        refresh_tallies()
        log.firms, log.movements, log.pins_expired = max(firms, 0), max(movements, 0), max(expired, 0)
        log.duration_s = time.monotonic() - started
        log.save(update_fields=["firms", "movements", "pins_expired", "duration_s"])
    logger.info(
        "Run %s placed: %s firms, %s movements, %s pins expired in %.2f s",
        run.pk,
        log.firms,
        log.movements,
        log.pins_expired,
        log.duration_s,
    )
    return log


def _tally_add(*, county_id: int, tier: str, listed: bool, step: int) -> None:
    """Add `step` (±1) firms to one county's tier tally, safe under concurrent pins (an atomic increment)."""
    changes = {"firms": F("firms") + step}
    if listed:
        changes["listed"] = F("listed") + step
    if PlacementTally.objects.filter(county_id=county_id, tier=tier).update(**changes):
        return
    try:
        with transaction.atomic():
            PlacementTally.objects.create(county_id=county_id, tier=tier, firms=step, listed=step if listed else 0)
    except IntegrityError:  # created meanwhile by another pin: add to it
        PlacementTally.objects.filter(county_id=county_id, tier=tier).update(**changes)


def _tally_move(*, placement: TierPlacement, from_tier: str, to_tier: str) -> None:
    if from_tier == to_tier:
        return
    listed = placement.readiness is not None
    if from_tier:
        _tally_add(county_id=placement.county_id, tier=from_tier, listed=listed, step=-1)
    if to_tier:
        _tally_add(county_id=placement.county_id, tier=to_tier, listed=listed, step=1)


def refresh_tallies(*, county_ids: list[int] | None = None) -> None:
    """Recount firms per county and tier (all counties, or `county_ids`) into PlacementTally: one grouped read of
    the placements and a rewrite of the few tally rows. Call inside the transaction that changed placements."""
    placements = TierPlacement.objects.all()
    tallies = PlacementTally.objects.all()
    if county_ids is not None:
        placements = placements.filter(county_id__in=county_ids)
        tallies = tallies.filter(county_id__in=county_ids)
    # Locked first: a pin adjusting a tally meanwhile commits before the count below, which then sees its move.
    list(tallies.select_for_update().values_list("pk", flat=True))
    rows = (
        placements.order_by()
        .values_list("county_id", "tier")
        .annotate(firms=Count("tier"), listed=Count("tier", filter=Q(readiness__isnull=False)))
    )
    fresh = [
        PlacementTally(county_id=county_id, tier=tier, firms=firms, listed=listed)
        for county_id, tier, firms, listed in rows
    ]
    tallies.delete()
    PlacementTally.objects.bulk_create(fresh)


# ---------------------------------------------------------------------------------------------------------------
# Pins


def _direction(from_tier: str, to_tier: str) -> int:
    if not from_tier:
        return 0
    return 1 if TIER_RANK[to_tier] > TIER_RANK[from_tier] else -1


def _move(*, placement: TierPlacement, to_tier: str, on: datetime.date, cause: str, cause_text: str) -> None:
    """Set one firm's placement to `to_tier`, recording the move when the tier changes (one firm: pins only)."""
    if placement.tier == to_tier:
        return
    TierMovement.objects.create(
        enterprise_id=placement.enterprise_id,
        from_tier=placement.tier,
        to_tier=to_tier,
        direction=_direction(placement.tier, to_tier),
        date=on,
        cause=cause,
        cause_text=cause_text,
    )
    placement.tier = to_tier
    placement.since = on


def pin_create(*, enterprise, tier: str, reason: str, ends_on: datetime.date, actor) -> TierPin:
    """Pin `enterprise` (from a scoped selector) to `tier` until `ends_on`, effective at once, audited."""
    if not can_pin(actor, enterprise):
        raise PermissionDenied
    today = timezone.localdate()
    reason = (reason or "").strip()
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Unknown tier.")})
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the pin.")})
    if ends_on <= today:
        raise ValidationError({"ends_on": _("The end date must be in the future.")})
    with transaction.atomic():
        placement = TierPlacement.objects.select_for_update().filter(enterprise=enterprise).first()
        try:
            with transaction.atomic():
                pin = TierPin.objects.create(
                    enterprise=enterprise, tier=tier, reason=reason, ends_on=ends_on, created_by=actor
                )
        except IntegrityError:
            raise ValidationError(_("This firm already has a live pin; end it first.")) from None
        PinEvent.objects.create(
            pin=pin,
            enterprise=enterprise,
            action=PinEvent.Action.CREATED,
            tier=tier,
            ends_on=ends_on,
            reason=reason,
            actor=actor,
            at=pin.created_at,
        )
        if placement is None:
            # Not placed yet (no run since the firm was added): the pin places it; the rules' tier is unknown.
            placement = TierPlacement.objects.create(
                enterprise=enterprise, county_id=enterprise.county_id, tier=tier, since=today, pinned=True
            )
            _tally_move(placement=placement, from_tier="", to_tier=tier)
            TierMovement.objects.create(
                enterprise=enterprise,
                from_tier="",
                to_tier=tier,
                direction=0,
                date=today,
                cause=MovementCause.PINNED,
                cause_text=reason,
            )
        else:
            _tally_move(placement=placement, from_tier=placement.tier, to_tier=tier)
            _move(placement=placement, to_tier=tier, on=today, cause=MovementCause.PINNED, cause_text=reason)
            placement.pinned = True
            placement.save(update_fields=["tier", "since", "pinned", "updated_at"])
        figures_changed.send(sender=TierPin, change="pin")
    return pin


def pin_end(*, pin: TierPin, actor, reason: str) -> TierPin:
    """End a live pin now (audited); the firm returns to the tier the rules gave it at the last run."""
    if not can_pin(actor, pin.enterprise):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for ending the pin.")})
    today = timezone.localdate()
    with transaction.atomic():
        pin = TierPin.objects.select_for_update().get(pk=pin.pk)
        if pin.ended_at is not None:
            raise ValidationError(_("This pin has already ended."))
        pin.ended_at, pin.ended_by, pin.end_reason = timezone.now(), actor, reason
        pin.save(update_fields=["ended_at", "ended_by", "end_reason"])
        PinEvent.objects.create(
            pin=pin,
            enterprise_id=pin.enterprise_id,
            action=PinEvent.Action.ENDED,
            tier=pin.tier,
            ends_on=pin.ends_on,
            reason=reason,
            actor=actor,
            at=pin.ended_at,
        )
        placement = TierPlacement.objects.select_for_update().filter(enterprise_id=pin.enterprise_id).first()
        if placement is not None and not placement.rules_tier:
            # Placed only by the pin: nothing to return to until the next run places the firm.
            _tally_move(placement=placement, from_tier=placement.tier, to_tier="")
            placement.delete()
        elif placement is not None:
            _tally_move(placement=placement, from_tier=placement.tier, to_tier=placement.rules_tier)
            _move(
                placement=placement,
                to_tier=placement.rules_tier,
                on=today,
                cause=MovementCause.PIN_ENDED,
                cause_text=reason,
            )
            placement.pinned = False
            placement.save(update_fields=["tier", "since", "pinned", "updated_at"])
        figures_changed.send(sender=TierPin, change="pin")
    return pin


# ---------------------------------------------------------------------------------------------------------------
# Warnings

# The run's portraits, and the previous run's. Joined in pandas, not SQL: inside the publishing transaction the
# run's rows are not yet in the planner's statistics, and a join over them once chose a plan taking minutes at
# 200,000 firms. Two index range scans and a hash merge take well under a second. Parameter: run id.
WARNING_PORTRAITS_SQL = """
SELECT enterprise_id, tier, readiness, tag_mask, sme_eligible FROM {portrait} WHERE run_id = %s
"""
PREVIOUS_PORTRAITS_SQL = """
SELECT enterprise_id, tier AS prev_tier, readiness AS prev_readiness FROM {portrait} WHERE run_id = %s
"""

# Each firm's latest yearly invention-patent count (up to the run's year) and the count of the year before it, where
# the count fell by at least the rule set's minimum. Parameters: last year, minimum fall.
IP_FALLING_SQL = """
SELECT enterprise_id, year, invention_patents, prev_patents FROM (
  SELECT enterprise_id, year, invention_patents,
         LAG(invention_patents) OVER (PARTITION BY enterprise_id ORDER BY year) AS prev_patents,
         LAG(year) OVER (PARTITION BY enterprise_id ORDER BY year) AS prev_year,
         ROW_NUMBER() OVER (PARTITION BY enterprise_id ORDER BY year DESC) AS newest
  FROM {indicator} WHERE year <= %s
) yearly
WHERE newest = 1 AND prev_year = year - 1 AND prev_patents - invention_patents >= %s
"""

# Staff transitions: (state, action) → new state. Anything else is refused. Auto-resolution (open or acknowledged
# → auto_resolved) is the nightly run's, in bulk, never a staff action.
WARNING_TRANSITIONS = {
    (WarningState.OPEN, "acknowledge"): WarningState.ACKNOWLEDGED,
    (WarningState.OPEN, "resolve"): WarningState.RESOLVED,
    (WarningState.ACKNOWLEDGED, "resolve"): WarningState.RESOLVED,
}
WARNING_ACTIONS = ("acknowledge", "resolve")
AUTO_RESOLVABLE_STATES = ACTIVE_WARNING_STATES

# Bound on the number of ids in one IN (…) list (PostgreSQL allows 65,535 parameters a statement).
_ID_CHUNK = 10_000

WARNING_COLUMNS = ["enterprise_id", "kind", "severity", "rule", "values"]


def previous_run(run: ScoringRun) -> ScoringRun | None:
    """The run published (or placed) just before `run`: what readiness drops are measured against."""
    earlier = Q(run_date__lt=run.run_date) | Q(run_date=run.run_date, pk__lt=run.pk)
    return (
        ScoringRun.objects.filter(Q(status=ScoringRun.Status.PUBLISHED) | Q(placement_log__isnull=False))
        .filter(earlier)
        .exclude(pk=run.pk)
        .order_by("-run_date", "-pk")
        .first()
    )


def _frame(rows: list[dict], kind: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=WARNING_COLUMNS)
    frame["kind"] = kind
    return frame


def _number(value):
    """A JSON-friendly number (None for NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 2) if isinstance(value, float) else int(value)


def find_warnings(*, run: ScoringRun, previous: ScoringRun | None) -> tuple[pd.DataFrame, set[int]]:
    """Every warning condition holding for the firms of `run`: one row per (firm, kind), in a few queries; and the
    firms of the run (only their warnings can be found cleared)."""
    ruleset = get_ruleset(run.ruleset_year)
    rules, on = ruleset.warnings, run.run_date
    with connection.cursor() as cursor:
        table = Portrait._meta.db_table
        cursor.execute(WARNING_PORTRAITS_SQL.format(portrait=table), [run.pk])
        columns = [column[0] for column in cursor.description]
        portraits = pd.DataFrame(cursor.fetchall(), columns=columns).set_index("enterprise_id")
        previous_rows = []
        if previous is not None:
            cursor.execute(PREVIOUS_PORTRAITS_SQL.format(portrait=table), [previous.pk])
            previous_rows = cursor.fetchall()
        before = pd.DataFrame(previous_rows, columns=["enterprise_id", "prev_tier", "prev_readiness"])
        portraits = portraits.join(before.set_index("enterprise_id"), how="left")
    if portraits.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS), set()
    found = []

    # Qualifications: the certificate valid on the run's date (and its latest end, counting a renewal), and the
    # tech-based SME registrations of last year and of this year.
    year_start, last_year_start = datetime.date(on.year, 1, 1), datetime.date(on.year - 1, 1, 1)
    last_year_end = datetime.date(on.year - 1, 12, 31)
    high_tech, tech_sme = QualificationKind.HIGH_TECH, QualificationKind.TECH_SME
    qualifications = pd.DataFrame(
        Qualification.objects.filter(kind__in=[high_tech, tech_sme], valid_to__gte=last_year_start)
        .order_by()
        .values("enterprise_id")
        .annotate(
            certified=Count("pk", filter=Q(kind=high_tech, valid_from__lte=on, valid_to__gte=on)),
            certificate_ends=Max("valid_to", filter=Q(kind=high_tech, valid_to__gte=on)),
            sme_last_year=Count("pk", filter=Q(kind=tech_sme, valid_from__lte=last_year_end)),
            sme_this_year=Count("pk", filter=Q(kind=tech_sme, valid_from__gte=year_start)),
        ),
        columns=["enterprise_id", "certified", "certificate_ends", "sme_last_year", "sme_this_year"],
    ).set_index("enterprise_id")
    qualifications = qualifications[qualifications.index.isin(portraits.index)]

    # 1. High-tech certificate expiring (the tag's number of days: one threshold for the tag and the warning).
    expiring_days = ruleset.tags.certificate_expiring_days
    certified = qualifications[qualifications["certified"] > 0]
    days_left = pd.Series(
        [(ends - on).days for ends in certified["certificate_ends"]], index=certified.index, dtype="int64"
    )
    expiring = days_left[days_left <= expiring_days]
    found.append(
        _frame(
            [
                {
                    "enterprise_id": firm,
                    "severity": WarningSeverity.HIGH if days <= rules.certificate_expiring_high_days
                    else WarningSeverity.MEDIUM,
                    "rule": "tags.certificate_expiring_days",
                    "values": {"value": int(days), "threshold": expiring_days, "previous": None,
                               "valid_to": certified.at[firm, "certificate_ends"].isoformat()},
                }
                for firm, days in expiring.items()
            ],
            WarningKind.CERTIFICATE_EXPIRING,
        )
    )  # fmt: skip

    # 2. Certified, but the latest data breaks a high-tech condition: the portrait's audit-risk tag.
    audit_bit = TAG_BITS["audit_risk"]
    at_risk = portraits.index[(portraits["tag_mask"].astype("int64") & audit_bit) != 0]
    failed: dict[int, list[str]] = {}
    if len(at_risk):
        keys = run.detail_keys or []
        flagged = Portrait.objects.annotate(risk=F("tag_mask").bitand(audit_bit)).filter(run=run, risk__gt=0)
        for firm, detail in flagged.values_list("enterprise_id", "detail"):
            details = dict(zip(keys, detail or [], strict=False))
            failed[firm] = [
                key.removeprefix("ht_").removesuffix("_met")
                for key, value in details.items()
                if key.startswith("ht_") and key.endswith("_met") and value == 0
            ]
    found.append(
        _frame(
            [
                {"enterprise_id": firm, "severity": WarningSeverity.HIGH, "rule": "tags.audit_risk",
                 "values": {"value": failed.get(firm, []), "threshold": None, "previous": None}}
                for firm in at_risk
            ],
            WarningKind.CERTIFIED_BREAKS_CONDITION,
        )
    )  # fmt: skip

    # 3. Registered as a tech-based SME last year, not yet this year (and still SME-eligible: else it cannot).
    eligible = portraits.index[portraits["sme_eligible"].astype(bool)]
    lapsed = qualifications[(qualifications["sme_last_year"] > 0) & (qualifications["sme_this_year"] == 0)]
    lapsed = lapsed[lapsed.index.isin(eligible)]
    found.append(
        _frame(
            [
                {"enterprise_id": firm, "severity": WarningSeverity.MEDIUM, "rule": "tech_sme.registration_yearly",
                 "values": {"value": 0, "threshold": 1, "previous": 1, "year": on.year}}
                for firm in lapsed.index
            ],
            WarningKind.SME_NOT_REREGISTERED,
        )
    )  # fmt: skip

    # 4. Readiness dropping sharply since the previous run, within the same tier (each tier has its own scale).
    same_tier = portraits[portraits["prev_tier"].notna() & (portraits["prev_tier"] == portraits["tier"])]
    drop = same_tier["prev_readiness"].astype(float) - same_tier["readiness"].astype(float)
    drop_points, high_points = float(rules.readiness_drop_points), float(rules.readiness_drop_high_points)
    dropped = same_tier[drop >= drop_points]
    found.append(
        _frame(
            [
                {
                    "enterprise_id": firm,
                    "severity": WarningSeverity.HIGH if drop[firm] >= high_points else WarningSeverity.MEDIUM,
                    "rule": "warnings.readiness_drop_points",
                    "values": {"value": _number(float(row.readiness)), "threshold": drop_points,
                               "previous": _number(float(row.prev_readiness)), "tier": row.tier},
                }
                for firm, row in dropped.iterrows()
            ],
            WarningKind.READINESS_DROP,
        )
    )  # fmt: skip

    # 5. Valid invention patents falling: from the patent register where a firm keeps one (the patents named; with
    # core IP lapsing at certified firms and patents nearing the end of their term), else against the previous
    # year's indicators.
    from ip.warnings import patent_warnings

    register_found, register_firms = patent_warnings(
        on=on, ruleset=ruleset, firms=portraits.index, certified=set(certified.index)
    )
    found.append(register_found)
    with connection.cursor() as cursor:
        cursor.execute(IP_FALLING_SQL.format(indicator=AnnualIndicator._meta.db_table), [on.year, rules.ip_falling_min])
        falling = [row for row in cursor.fetchall() if row[0] in portraits.index and row[0] not in register_firms]
    min_class1 = ruleset.high_tech.min_class1_ip
    found.append(
        _frame(
            [
                {
                    "enterprise_id": firm,
                    "severity": WarningSeverity.HIGH if patents < min_class1 <= previous_count
                    else WarningSeverity.MEDIUM,
                    "rule": "warnings.ip_falling_min",
                    "values": {"value": int(patents), "threshold": rules.ip_falling_min,
                               "previous": int(previous_count), "year": int(year)},
                }
                for firm, year, patents, previous_count in falling
            ],
            WarningKind.IP_FALLING,
        )
    )  # fmt: skip

    # 6. An assigned firm with no service logged for the officers' settings' number of days (one query).
    from officers.warnings import no_service_warnings

    found.append(_frame(no_service_warnings(on=on, firms=portraits.index), WarningKind.NO_SERVICE))
    return pd.concat(found, ignore_index=True), set(portraits.index.tolist())


# Parameters: run id, a JSON list of {"id", "severity", "values"}.
CARRY_FORWARD_SQL_POSTGRESQL = """
UPDATE {warning} AS w SET last_seen_run_id = %s, severity = f.severity, "values" = f."values"
FROM jsonb_to_recordset(%s::jsonb) AS f(id bigint, severity text, "values" jsonb)
WHERE w.id = f.id
"""


def _carry_forward(*, run: ScoringRun, continued: list[int], changed: list[CultivationWarning]) -> None:
    """Mark the continuing warnings seen by `run`, with their new values where these changed (an expiring
    certificate's days left change every night). One statement on PostgreSQL; chunked updates elsewhere."""
    if connection.vendor == "postgresql":
        values = {warning.id: warning for warning in changed}
        rows = [
            {"id": pk, "severity": values[pk].severity, "values": values[pk].values} for pk in continued if pk in values
        ]
        unchanged = [pk for pk in continued if pk not in values]
        if rows:
            with connection.cursor() as cursor:
                cursor.execute(
                    CARRY_FORWARD_SQL_POSTGRESQL.format(warning=CultivationWarning._meta.db_table),
                    [run.pk, json.dumps(rows)],
                )
    else:
        unchanged = continued
        CultivationWarning.objects.bulk_update(changed, ["severity", "values"], batch_size=1000)
        CultivationWarning.objects.filter(pk__in=[warning.id for warning in changed]).update(last_seen_run=run)
    for start in range(0, len(unchanged), _ID_CHUNK):
        CultivationWarning.objects.filter(pk__in=unchanged[start : start + _ID_CHUNK]).update(last_seen_run=run)


def warnings_from_run(*, run: ScoringRun) -> dict[str, int]:
    """Open, carry forward and auto-resolve the warnings of `run`'s firms, set-based: a few reads, one bulk insert,
    bulk updates. Called by `scoring.services.publish_run` right after placement, in its transaction.

    Idempotent per run: a second call finds each condition's warning already live (or resolved by staff while the
    condition held) and writes no new one. A run older than a placed one is ignored, as placement ignores it. A
    warning staff resolved is not raised again while its condition holds without a break (its `last_seen_run` keeps
    following); once the condition clears and comes back, a new warning opens."""
    summary = {"opened": 0, "continued": 0, "auto_resolved": 0}
    with transaction.atomic():
        if PlacementLog.objects.filter(run__run_date__gt=run.run_date).exists():
            return summary
        previous = previous_run(run)
        found, run_firms = find_warnings(run=run, previous=previous)
        seen_runs = [run.pk] + ([previous.pk] if previous else [])
        tracked = list(
            CultivationWarning.objects.filter(
                Q(state__in=ACTIVE_WARNING_STATES) | Q(state=WarningState.RESOLVED, last_seen_run_id__in=seen_runs)
            )
            .order_by("id")
            .values("id", "enterprise_id", "kind", "state", "severity", "values")
        )
        # One tracked warning per (firm, kind): the live one, else the newest resolved one.
        by_key: dict[tuple[int, str], dict] = {}
        for row in tracked:
            key = (row["enterprise_id"], row["kind"])
            current = by_key.get(key)
            if current is None or current["state"] not in ACTIVE_WARNING_STATES:
                by_key[key] = row
        now = timezone.now()
        new, continued, changed = [], [], []
        found_keys = set()
        for row in found.itertuples(index=False):
            key = (int(row.enterprise_id), row.kind)
            found_keys.add(key)
            existing = by_key.get(key)
            if existing is None:
                new.append(
                    CultivationWarning(
                        enterprise_id=key[0], kind=row.kind, severity=row.severity, rule=row.rule, values=row.values,
                        state=WarningState.OPEN, first_seen_run=run, last_seen_run=run, opened_at=now,
                    )
                )  # fmt: skip
                continue
            continued.append(existing["id"])
            if existing["severity"] != row.severity or existing["values"] != row.values:
                changed.append(CultivationWarning(id=existing["id"], severity=row.severity, values=row.values))
        CultivationWarning.objects.bulk_create(new, batch_size=2000)
        _carry_forward(run=run, continued=continued, changed=changed)
        # Cleared: live, not found again, and the firm was scored in this run (a firm the run did not score keeps
        # its warnings until a run says otherwise).
        cleared = [
            row
            for key, row in by_key.items()
            if key not in found_keys and row["state"] in AUTO_RESOLVABLE_STATES and key[0] in run_firms
        ]
        for start in range(0, len(cleared), _ID_CHUNK):
            ids = [row["id"] for row in cleared[start : start + _ID_CHUNK]]
            CultivationWarning.objects.filter(pk__in=ids, state__in=AUTO_RESOLVABLE_STATES).update(
                state=WarningState.AUTO_RESOLVED, auto_resolved_at=now, auto_resolved_run=run
            )
        WarningEvent.objects.bulk_create(
            (
                WarningEvent(
                    warning_id=row["id"],
                    enterprise_id=row["enterprise_id"],
                    from_state=row["state"],
                    to_state=WarningState.AUTO_RESOLVED,
                    run=run,
                    at=now,
                )
                for row in cleared
            ),
            batch_size=2000,
        )
        summary = {"opened": len(new), "continued": len(continued), "auto_resolved": len(cleared)}
    logger.info("Run %s warnings: %s", run.pk, summary)
    return summary


def warning_transition(*, warning: CultivationWarning, action: str, actor, note: str = "") -> CultivationWarning:
    """The one way staff change a warning (from a scoped selector): acknowledge or resolve, as WARNING_TRANSITIONS
    allows, with an append-only WarningEvent in the same transaction."""
    if not can_handle_warning(actor, warning):
        raise PermissionDenied
    with transaction.atomic():
        locked = CultivationWarning.objects.select_for_update().get(pk=warning.pk)
        target = WARNING_TRANSITIONS.get((locked.state, action))
        if target is None:
            raise ValidationError(
                _("A warning in state “%(state)s” cannot be changed that way.")
                % {"state": WarningState(locked.state).label}
            )
        now = timezone.now()
        from_state = locked.state
        locked.state = target
        if action == "acknowledge":
            locked.acknowledged_by, locked.acknowledged_at = actor, now
            fields = ["state", "acknowledged_by", "acknowledged_at"]
        else:
            locked.resolved_by, locked.resolved_at = actor, now
            fields = ["state", "resolved_by", "resolved_at"]
        locked.save(update_fields=fields)
        WarningEvent.objects.create(
            warning=locked,
            enterprise_id=locked.enterprise_id,
            from_state=from_state,
            to_state=target,
            actor=actor,
            note=(note or "").strip(),
            at=now,
        )
    for field in fields:
        setattr(warning, field, getattr(locked, field))
    return warning
