"""Auto-assign's matching, in memory: which officer serves which firm. No database access here; the service reads
the firms and officers in a few queries, calls `plan_assignments`, and writes the result in bulk.

The rules, in order (issue 7):
1. A firm is served by an officer of its own county when one has room; a city-level officer only when none has.
2. Among those, the officers whose fields of expertise meet more of the firm's needs come first.
3. Among equally matching officers, the least loaded (relative to their maximum) takes the firm, so that officers
   with the same fields end within one firm of each other.
4. Matching fields do not pile firms on a few specialists: a first pass fills each county's officers only up to
   the county's fair share (its firms, old and new, divided by its officers); a second pass places what is left up
   to the officers' maximum, then on city-level officers.
5. No officer ever goes above their maximum load. A firm left over is reported with the reason.
"""

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from officers.models import ServiceArea
from scoring.models import Tier

# The service a firm's tier calls for first (its next rung, DESIGN §4): a T1 firm registers as a tech-based SME
# (policy), a T2 firm applies for the high-tech certificate, a T3 firm aims at gazelle / 专精特新 (policy again).
TIER_NEEDS = {
    Tier.T1: ServiceArea.POLICY,
    Tier.T2: ServiceArea.HIGH_TECH_APPLICATION,
    Tier.T3: ServiceArea.POLICY,
}

REASON_NO_OFFICER = "no_officer"
REASON_NO_ROOM = "no_room"


def firm_needs(*, high_tech_field: str | None, tier: str | None) -> frozenset[str]:
    needs = set()
    if high_tech_field:
        needs.add(high_tech_field)
    if tier in TIER_NEEDS:
        needs.add(TIER_NEEDS[tier].value)
    return frozenset(needs)


@dataclass
class OfficerSlot:
    id: int
    county_id: int | None  # None: a city-level officer, serving any county
    expertise: frozenset[str]
    load: int
    max_load: int


@dataclass
class Target:
    enterprise_id: int
    county_id: int
    needs: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Plan:
    assignments: list[tuple[int, int]]  # (enterprise id, officer id)
    uncovered: list[tuple[int, int, str]]  # (enterprise id, county id, reason)
    loads: dict[int, int]  # officer id -> load after the plan, for the officers given a firm


class _Pool:
    """The officers one county (or the city level) can draw on, grouped by identical expertise; each group a heap
    by relative load, so that a pick is O(groups + log officers)."""

    def __init__(self, officers: list[OfficerSlot], *, cap: int | None = None):
        self.officers = len(officers)
        self.cap = cap
        groups: dict[frozenset[str], list] = defaultdict(list)
        for officer in officers:
            if officer.load < self._limit(officer):
                groups[officer.expertise].append((officer.load / officer.max_load, officer.load, officer.id, officer))
        self.groups = {}
        for expertise, heap in groups.items():
            heapq.heapify(heap)
            self.groups[expertise] = heap
        self._scores: dict[frozenset[str], list[tuple[int, frozenset[str]]]] = {}

    def _limit(self, officer: OfficerSlot) -> int:
        return officer.max_load if self.cap is None else min(officer.max_load, self.cap)

    def _ranked_groups(self, needs: frozenset[str]):
        ranked = self._scores.get(needs)
        if ranked is None:
            ranked = sorted(((len(needs & expertise), expertise) for expertise in self.groups), key=lambda r: -r[0])
            self._scores[needs] = ranked
        return ranked

    def pick(self, needs: frozenset[str]) -> OfficerSlot | None:
        """The best-matching, least-loaded officer with room, now one firm more loaded; None when all are full."""
        best, best_key = None, None
        for score, expertise in self._ranked_groups(needs):
            if best_key is not None and score < best_key[0]:
                break  # groups are ranked by score: nothing below can beat the best found
            heap = self.groups.get(expertise)
            if not heap:
                continue
            ratio, load, officer_id, _officer = heap[0]
            key = (score, -ratio, -load, -officer_id)
            if best_key is None or key > best_key:
                best, best_key = expertise, key
        if best is None:
            return None
        heap = self.groups[best]
        _ratio, _load, _id, officer = heapq.heappop(heap)
        officer.load += 1
        if officer.load < self._limit(officer):
            heapq.heappush(heap, (officer.load / officer.max_load, officer.load, officer.id, officer))
        elif not heap:
            del self.groups[best]
        return officer

    @property
    def empty(self) -> bool:
        return not self.groups


def plan_assignments(targets: list[Target], officers: list[OfficerSlot]) -> Plan:
    """Assign each target firm to an officer, following the rules in the module's docstring."""
    by_county: dict[int | None, list[OfficerSlot]] = defaultdict(list)
    for officer in officers:
        by_county[officer.county_id].append(officer)
    targets_per_county: dict[int, int] = defaultdict(int)
    for target in targets:
        targets_per_county[target.county_id] += 1
    fair_pools = {}
    for county_id, slots in by_county.items():
        if county_id is not None and slots:
            fair = math.ceil((sum(slot.load for slot in slots) + targets_per_county[county_id]) / len(slots))
            fair_pools[county_id] = _Pool(slots, cap=fair)
    empty_pool = _Pool([])

    # Firms with needs that some officer of their county meets go first, so that generalist firms do not use up
    # the specialists; then by id, for a deterministic result.
    def order(target: Target):
        ranked = fair_pools.get(target.county_id, empty_pool)._ranked_groups(target.needs)
        return (target.county_id, -(ranked[0][0] if ranked else 0), target.enterprise_id)

    assignments, leftover = [], []
    touched: dict[int, OfficerSlot] = {}
    for target in sorted(targets, key=order):
        officer = fair_pools.get(target.county_id, empty_pool).pick(target.needs)
        if officer is None:
            leftover.append(target)
            continue
        assignments.append((target.enterprise_id, officer.id))
        touched[officer.id] = officer
    # Second pass: up to each officer's maximum in the firm's county, then city-level officers.
    pools = {county_id: _Pool(slots) for county_id, slots in by_county.items() if county_id is not None}
    city_pool = _Pool(by_county.get(None, []))
    uncovered = []
    for target in leftover:
        pool = pools.get(target.county_id, empty_pool)
        officer = pool.pick(target.needs) or city_pool.pick(target.needs)
        if officer is None:
            reason = REASON_NO_ROOM if pool.officers else REASON_NO_OFFICER
            uncovered.append((target.enterprise_id, target.county_id, reason))
            continue
        assignments.append((target.enterprise_id, officer.id))
        touched[officer.id] = officer
    return Plan(
        assignments=assignments,
        uncovered=uncovered,
        loads={officer_id: officer.load for officer_id, officer in touched.items()},
    )
