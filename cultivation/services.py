"""Writes of three-tier cultivation: placing every firm after a scoring run, pinning and unpinning. (The nightly
warnings and staff's changes to them are `cultivation.warnings`.)

Placement is set-based: a handful of INSERT … SELECT / UPDATE statements over the run's portraits, the current
placements and the live pins, whatever the number of firms (no per-firm query, no model loop). The SQL is portable
between PostgreSQL and SQLite (`make run`).
"""

import datetime
import logging
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.signals import figures_changed
from core.sql import name_literals
from cultivation.models import (
    TIER_RANK,
    MovementCause,
    PinEvent,
    PlacementLog,
    PlacementTally,
    TierMovement,
    TierPin,
    TierPlacement,
)
from cultivation.permissions import can_pin
from enterprises.models import CLOSED_STATUSES, LEFT_POOL_STATUSES, Enterprise
from scoring.models import Portrait, ScoringRun, Tier

logger = logging.getLogger(__name__)


def _rank_sql(expression: str) -> str:
    return "CASE " + " ".join(f"WHEN {expression} = '{tier}' THEN {rank}" for tier, rank in TIER_RANK.items()) + " END"


# One row per firm of the run: the rules' tier, the live or expiring pin, the current placement, and the tier the
# firm gets now (a live pin's, else the rules'). A pin is live on the run's date up to and including `ends_on`. A
# firm closed (吊销/注销) or moved out of the city (迁出) by its registration status is outside whatever the rules or
# a pin say (`left_pool`; the rules say so too, scoring.rules.tier): a pin does not keep it in the pool.
# Parameters: run date (live), run date (expiring), run id.
PLACED_SQL = """
SELECT p.enterprise_id, p.tier AS rules_tier, p.sme_passes, p.sme_eligible, pl.tier AS old_tier,
       p.county_id, p.industry_division, p.readiness, p.tag_mask, e.registration_status AS status,
       CASE WHEN e.registration_status IN ({left_pool}) THEN '{outside}'
            WHEN pin.ends_on >= %s THEN pin.tier ELSE p.tier END AS new_tier,
       COALESCE(pin.ends_on >= %s AND e.registration_status NOT IN ({left_pool}), FALSE) AS pinned,
       COALESCE(pin.ends_on < %s, FALSE) AS pin_expired,
       pin.reason AS pin_reason
FROM {portrait} p
JOIN {firm} e ON e.id = p.enterprise_id
LEFT JOIN {placement} pl ON pl.enterprise_id = p.enterprise_id
LEFT JOIN {pin} pin ON pin.enterprise_id = p.enterprise_id AND pin.ended_at IS NULL
WHERE p.run_id = %s
"""

# The cause of a move, read off the new portrait and the firm's registration status (a firm that closed or moved
# out leaves for that reason, whatever else changed): T3 is exactly "holds a valid high-tech certificate"; T2 is a
# tech-SME registration, a passed SME evaluation, or a firm too big to be an SME; T1 is any innovation signal.
CAUSE_SQL = f"""
CASE
  WHEN placed.old_tier IS NULL THEN '{MovementCause.FIRST_PLACEMENT}'
  WHEN placed.status IN ({name_literals(CLOSED_STATUSES)}) THEN '{MovementCause.CLOSED}'
  WHEN placed.status IN ({name_literals(LEFT_POOL_STATUSES)}) THEN '{MovementCause.MOVED_OUT}'
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
END_REASON_LEFT_POOL = "firm closed or moved out"

# The live pins of the run's firms that closed or moved out end (a pin cannot keep them in the pool), audited like
# an expiry, by no one. Parameters: reason, at, run id.
LEFT_POOL_PIN_EVENTS_SQL = f"""
INSERT INTO {{event}} (pin_id, enterprise_id, action, tier, ends_on, reason, actor_id, at)
SELECT pin.id, pin.enterprise_id, '{PinEvent.Action.ENDED}', pin.tier, pin.ends_on, %s, NULL, %s
FROM {{pin}} pin
JOIN {{firm}} e ON e.id = pin.enterprise_id
WHERE pin.ended_at IS NULL AND e.registration_status IN ({{left_pool}})
  AND EXISTS (SELECT 1 FROM {{portrait}} p WHERE p.enterprise_id = pin.enterprise_id AND p.run_id = %s)
"""


def _tables() -> dict[str, str]:
    return {
        "portrait": Portrait._meta.db_table,
        "placement": TierPlacement._meta.db_table,
        "movement": TierMovement._meta.db_table,
        "pin": TierPin._meta.db_table,
        "event": PinEvent._meta.db_table,
        "firm": Enterprise._meta.db_table,
        "left_pool": name_literals(LEFT_POOL_STATUSES),
        "outside": Tier.OUTSIDE,
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
        with connection.cursor() as cursor:
            cursor.execute(LEFT_POOL_PIN_EVENTS_SQL.format(**tables), [END_REASON_LEFT_POOL, now, run.pk])
            pins_left = cursor.rowcount
        if pins_left > 0:
            TierPin.objects.filter(
                ended_at__isnull=True,
                enterprise__registration_status__in=LEFT_POOL_STATUSES,
                enterprise__portraits__run=run,
            ).update(ended_at=timezone.now(), end_reason=END_REASON_LEFT_POOL)
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
    if enterprise.registration_status in LEFT_POOL_STATUSES and tier != Tier.OUTSIDE:
        raise ValidationError(
            {
                "tier": _("The firm's registration status is “%(status)s”: a pin cannot keep it in the pool.")
                % {"status": enterprise.get_registration_status_display()}
            }
        )
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
