"""The demo's cultivation history (demo.history): every firm's tier movements since the portal went live,
and the high-tech application campaigns of last year and this year.

Tiers are not invented. The rules the nightly run applies (scoring.rules: `tech_sme` and `tier`) are evaluated on
the registry as it stood on each day that can change a firm's tier: the days its qualifications began or ended, and
the day its county's yearly figures reached the registry (each spring, for the year before). So each history ends in
the tier the firm's placement holds now (checked: a firm where it would not keeps its first placement only), and
each move's cause is the one the nightly placement writes (`cultivation.services.CAUSE_SQL`).
"""

import datetime

import numpy as np
import pandas as pd
from django.db.models import Max, Min

from cultivation.models import (
    TIER_RANK,
    Campaign,
    CampaignEntry,
    CampaignEvent,
    CampaignStage,
    MovementCause,
    PlacementLog,
    PreReviewResult,
    TierMovement,
    TierPlacement,
)
from demo.common import launch_day, office_times
from enterprises.models import County, Enterprise, Qualification, QualificationKind
from rulesets import get_ruleset
from scoring.frames import QUALIFICATION_KINDS, load_frame
from scoring.models import Portrait, Tier
from scoring.rules import achievement_columns, score, tech_sme, tier

ONE_DAY = pd.Timedelta(days=1)
# Counties import last year's statistics between these days of the year after it (days after 1 January).
IMPORT_DAYS = (45, 150)


def clear_campaigns() -> None:
    """Campaigns keep their actors (PROTECT): they go before the demo users."""
    CampaignEvent.objects.all().delete()
    CampaignEntry.objects.all().delete()
    Campaign.objects.all().delete()


class RegistryTimeline:
    """The registry as of any day from the launch to `as_of`: which qualifications were valid, and which yearly
    figures the registry held (each county's figures of a year arrive on its import day the spring after)."""

    def __init__(self, *, as_of: datetime.date, run, seed: int):
        self.as_of, self.launch = as_of, launch_day(as_of)
        self.ruleset = get_ruleset(run.ruleset_year)
        rng = np.random.default_rng(seed + 41)
        firms = pd.DataFrame(
            list(Enterprise.objects.order_by("pk").values_list("pk", "county_id", "founded_on")),
            columns=["firm", "county", "founded"],
        )
        # A firm founded after the launch is first placed when it is founded.
        founded = pd.to_datetime(firms["founded"]).fillna(pd.Timestamp(self.launch))
        firms["first_day"] = founded.clip(lower=pd.Timestamp(self.launch))
        self.firms = firms.set_index("firm")
        quals = pd.DataFrame(
            list(Qualification.objects.values_list("pk", "enterprise_id", "kind", "number", "valid_from", "valid_to")),
            columns=["id", "firm", "kind", "number", "valid_from", "valid_to"],
        )
        self.qualifications = quals.assign(
            valid_from=pd.to_datetime(quals["valid_from"]), valid_to=pd.to_datetime(quals["valid_to"])
        )
        # The data years the registry holds on a day: the last three before this year, each from its import day.
        self.data_years = [as_of.year - 3, as_of.year - 2, as_of.year - 1]
        self.imports = self._import_days(rng)
        bounds = Enterprise.objects.aggregate(first=Min("pk"), last=Max("pk"))
        self.frames = {}
        for year in self.data_years:
            # load_frame reads the years before its day's year; the newest epoch is exactly the current run's frame.
            on = as_of if year == self.data_years[-1] else datetime.date(year + 1, 12, 31)
            self.frames[year] = load_frame(first_id=bounds["first"], last_id=bounds["last"], on=on)

    def _import_days(self, rng) -> pd.DataFrame:
        """Per county (index) and data year (columns): the day the year's figures reached the registry."""
        counties = list(County.objects.order_by("code").values_list("pk", flat=True))
        days = {}
        for year in self.data_years[1:]:
            start = datetime.date(year + 1, 1, 1)
            share = rng.random(len(counties))
            offset = IMPORT_DAYS[0] + share * (IMPORT_DAYS[1] - IMPORT_DAYS[0])
            # Early in the year, today's figures must already be there: squeeze the imports in before `as_of`.
            squeezed = share * max((self.as_of - start).days, 0)
            late = start + datetime.timedelta(days=IMPORT_DAYS[1]) > self.as_of
            days[year] = [
                pd.Timestamp(start + datetime.timedelta(days=int(squeezed[i] if late else offset[i])))
                for i in range(len(counties))
            ]
        return pd.DataFrame(days, index=counties)

    def data_year(self, firms: np.ndarray, days: pd.Series) -> np.ndarray:
        """The newest data year the registry held for each firm on each day."""
        counties = self.firms["county"].reindex(firms).to_numpy()
        years = np.full(len(firms), self.data_years[0])
        for year in self.data_years[1:]:
            arrived = self.imports[year].reindex(counties).to_numpy()
            years = np.where(days.to_numpy() >= arrived, year, years)
        return years

    def frame_at(self, firms, days) -> pd.DataFrame:
        """The rules' input frame of each (firm, day) pair: its figures as the registry held them that day and its
        qualifications valid that day. Rows in the order of the pairs (a RangeIndex), column `enterprise_id`."""
        firms = np.asarray(firms, dtype="int64")
        days = pd.Series(pd.to_datetime(list(days)))
        years = self.data_year(firms, days)
        parts = []
        for year in self.data_years:
            positions = np.flatnonzero(years == year)
            if len(positions):
                part = self.frames[year].reindex(firms[positions])
                part.index = positions
                parts.append(part)
        frame = pd.concat(parts).sort_index()
        frame["enterprise_id"] = firms
        pairs = pd.DataFrame({"row": np.arange(len(firms)), "firm": firms, "day": days})
        held = pairs.merge(self.qualifications, on="firm")
        held = held[(held["valid_from"] <= held["day"]) & (held["valid_to"] >= held["day"])]
        flags = pd.crosstab(held["row"], held["kind"]).reindex(
            index=frame.index, columns=list(QUALIFICATION_KINDS), fill_value=0
        )
        for kind in QUALIFICATION_KINDS:
            frame[f"q_{kind}"] = flags[kind].to_numpy() > 0
        frame["q_any"] = (flags > 0).any(axis=1).to_numpy()
        ends = held[held["kind"] == QualificationKind.HIGH_TECH].groupby("row")["valid_to"].max()
        frame["high_tech_valid_to"] = pd.to_datetime(ends.reindex(frame.index))
        return frame

    def tiers_at(self, firms, days) -> pd.DataFrame:
        """tier, sme_passes, sme_eligible of each (firm, day) pair, in order."""
        frame = self.frame_at(firms, days)
        # The demo firms hold no achievements: the routes that read them are closed on every day.
        frame = pd.concat([frame, achievement_columns(None, frame.index, self.ruleset, max(days))], axis=1)
        sme = tech_sme(frame, self.ruleset)
        return pd.DataFrame(
            {"tier": tier(frame, sme).to_numpy(), "sme_passes": sme["sme_passes"].to_numpy(),
             "sme_eligible": sme["sme_eligible"].to_numpy()}
        )  # fmt: skip

    def tier_history(self) -> pd.DataFrame:
        """Every firm's tier on its first day and on each day that could change it: firm, day, tier, sme_passes,
        sme_eligible, sorted by firm and day."""
        first = self.firms["first_day"]
        parts = [pd.DataFrame({"firm": self.firms.index, "day": first.to_numpy()})]
        counties = self.firms["county"]
        for year in self.data_years[1:]:
            parts.append(
                pd.DataFrame({"firm": self.firms.index, "day": self.imports[year].reindex(counties).to_numpy()})
            )
        quals = self.qualifications
        parts.append(pd.DataFrame({"firm": quals["firm"], "day": quals["valid_from"]}))
        parts.append(pd.DataFrame({"firm": quals["firm"], "day": quals["valid_to"] + ONE_DAY}))
        days = pd.concat(parts, ignore_index=True).drop_duplicates()
        days = days[(days["day"] >= first.reindex(days["firm"]).to_numpy()) & (days["day"] <= pd.Timestamp(self.as_of))]
        days = days.sort_values(["firm", "day"], ignore_index=True)
        return pd.concat([days, self.tiers_at(days["firm"], days["day"])], axis=1)


def _causes(old: pd.Series, new: pd.Series, passes: pd.Series, eligible: pd.Series) -> np.ndarray:
    """The cause of each move, as cultivation.services.CAUSE_SQL words it (no pins in the past)."""
    conditions = [
        new == Tier.T3,
        old == Tier.T3,
        (new == Tier.T2) & passes,
        (new == Tier.T2) & ~eligible,
        new == Tier.T2,
        (old == Tier.T2) & (new == Tier.T1),
        new == Tier.OUTSIDE,
        old == Tier.OUTSIDE,
    ]
    causes = [
        MovementCause.HIGH_TECH_GAINED,
        MovementCause.HIGH_TECH_LOST,
        MovementCause.SME_EVALUATION_PASSED,
        MovementCause.OUTGREW_SME,
        MovementCause.TECH_SME_REGISTERED,
        MovementCause.TECH_SME_LOST,
        MovementCause.SIGNAL_VANISHED,
        MovementCause.SIGNAL_APPEARED,
    ]
    return np.select(conditions, [str(cause) for cause in causes], str(MovementCause.RULES))


def seed_tier_history(*, timeline: RegistryTimeline, run) -> dict:
    """Replace the first run's first placements with each firm's history since the launch: its first placement then,
    each move since, and `since` on its placement the day of its last move. The first run's placement log stays
    (placing the run again is still a no-op); the next nightly run compares with the same placements as before."""
    history = timeline.tier_history()
    history["previous"] = history.groupby("firm")["tier"].shift()
    placements = pd.DataFrame(
        list(TierPlacement.objects.values_list("pk", "enterprise_id", "tier", "pinned")),
        columns=["pk", "firm", "tier", "pinned"],
    ).set_index("firm")
    last = history.groupby("firm")["tier"].last()
    kept = placements.index[(~placements["pinned"]) & (last.reindex(placements.index) == placements["tier"])]
    history = history[history["firm"].isin(kept)]
    skipped = placements.index.difference(kept)

    first = history[history["previous"].isna()]
    moves = history[history["previous"].notna() & (history["previous"] != history["tier"])]
    rank = {str(tier_): rank for tier_, rank in TIER_RANK.items()}
    directions = np.where(moves["tier"].map(rank) > moves["previous"].map(rank), 1, -1)
    causes = _causes(moves["previous"], moves["tier"], moves["sme_passes"], moves["sme_eligible"])
    run_day = pd.Timestamp(run.run_date)
    rows = [
        TierMovement(
            enterprise_id=int(firm), from_tier="", to_tier=tier_, direction=0, date=day.date(),
            run_id=run.pk if day == run_day else None, cause=MovementCause.FIRST_PLACEMENT,
        )
        for firm, day, tier_ in zip(first["firm"], first["day"], first["tier"], strict=True)
    ] + [
        TierMovement(
            enterprise_id=int(firm), from_tier=previous, to_tier=tier_, direction=int(direction), date=day.date(),
            run_id=run.pk if day == run_day else None, cause=cause,
        )
        for firm, day, previous, tier_, direction, cause in zip(
            moves["firm"], moves["day"], moves["previous"], moves["tier"], directions, causes, strict=True
        )
    ]  # fmt: skip
    # The first run's rows are the only movements of a fresh demo (demo.history.history_exists).
    TierMovement.objects.filter(direction=0, cause=MovementCause.FIRST_PLACEMENT).exclude(
        enterprise_id__in=list(skipped)
    ).delete()
    TierMovement.objects.bulk_create(rows, batch_size=5000)
    # Each firm's placement dates from its last change of tier (its first placement counts as one).
    since = history[history["tier"] != history["previous"]].groupby("firm")["day"].max()
    TierPlacement.objects.exclude(enterprise_id__in=list(skipped)).update(since=timeline.launch)
    later = since[since != pd.Timestamp(timeline.launch)]
    TierPlacement.objects.bulk_update(
        [TierPlacement(pk=int(placements.at[firm, "pk"]), since=day.date()) for firm, day in later.items()],
        ["since"],
        batch_size=1000,
    )
    PlacementLog.objects.filter(run=run).update(movements=sum(1 for row in rows if row.run_id == run.pk))
    recent = moves["day"] > pd.Timestamp(timeline.as_of) - pd.DateOffset(years=1)
    return {
        "tier_moves": len(moves),
        "tier_moves_last_year": int(recent.sum()),
        "tier_moves_last_year_up": int((directions[recent.to_numpy()] > 0).sum()),
        "tier_firms_without_history": len(skipped),
    }


# ---------------------------------------------------------------------------------------------------------------
# High-tech application campaigns

# The source document: in 2023, 112 firms applied for a first certificate and 97 passed (87%).
PASS_RATE = 0.87
WITHDRAWN_SHARE = 0.06
# This year's second batch, selected in late summer and still waiting for an outcome: a share of the approvals.
WAITING_SHARE = 0.15
# Last year's failed firms applying again this year; and of last year's failed, the share certified since.
REAPPLY_SHARE = 0.5
SECOND_ATTEMPT_SHARE = 0.3
CONCERNS = (
    "研发费用占比接近门槛，建议补充研发费用辅助账",
    "高新技术产品（服务）收入占比偏低，需核实收入归集",
    "知识产权与主要产品的关联度需进一步说明",
)
PRE_REVIEW_FAILS = ("科技人员占比不足10%", "近三年研发费用占销售收入比例未达到标准")
FAILURE_REASONS = (
    "专家评审创新能力评价得分未超过70分",
    "高新技术产品（服务）收入占比未达到60%",
    "研发费用归集不符合认定要求",
    "核心知识产权与主要产品关联度不足",
)
WITHDRAWAL_REASONS = (
    "企业研发费用归集不完整，本年度暂缓申报",
    "核心知识产权尚在审查中，企业决定明年申报",
    "企业经营调整，主动放弃申报",
)


def _day(year: int, month: int, day: int) -> pd.Timestamp:
    return pd.Timestamp(datetime.date(year, month, day))


def _days(rng, first: pd.Timestamp, last: pd.Timestamp) -> pd.Timestamp:
    return first + pd.Timedelta(days=int(rng.integers(0, max((last - first).days, 0) + 1)))


def _after(rng, day: pd.Timestamp, low: int, high: int) -> pd.Timestamp:
    return day + pd.Timedelta(days=int(rng.integers(low, high + 1)))


def _approved_steps(rng, year: int, issued: pd.Timestamp) -> list:
    """Selection, pre-review and submission before the certificate's issue day: a few months before it, or, for a
    certificate issued early in the year, spread between the campaign's opening and the issue day."""
    submitted = issued - pd.Timedelta(days=int(rng.integers(60, 111)))
    reviewed = submitted - pd.Timedelta(days=int(rng.integers(7, 31)))
    selected = reviewed - pd.Timedelta(days=int(rng.integers(10, 41)))
    opening = _day(year, 1, 2)
    if selected < opening:
        span = (issued - opening).days
        start = opening if span >= 6 else issued - pd.Timedelta(days=10)
        span = (issued - start).days
        selected, reviewed, submitted = (start + pd.Timedelta(days=int(span * share)) for share in (0.1, 0.35, 0.6))
    return [selected, reviewed, submitted, issued]


def _plans(rng, *, year: int, as_of: datetime.date, approved: pd.DataFrame, others: list[int]) -> list:
    """(firm, [(stage, day, data)]) of one year's campaign. `others` are firms without a certificate to choose the
    failed, withdrawn and waiting entries from, in order of preference."""
    plans = []
    for firm, number, issued, valid_to, qualification in zip(
        approved["firm"], approved["number"], approved["valid_from"], approved["valid_to"], approved["id"], strict=True
    ):
        selected, reviewed, submitted, issued = _approved_steps(rng, year, issued)
        result = PreReviewResult.PASS if rng.random() < 0.85 else PreReviewResult.CONCERNS
        plans.append((int(firm), [
            (CampaignStage.CANDIDATE, selected, {}),
            (CampaignStage.PRE_REVIEWED, reviewed, {"result": result, "notes": _concern(rng, result)}),
            (CampaignStage.SUBMITTED, submitted, {"submitted_on": submitted.date().isoformat()}),
            (CampaignStage.APPROVED, issued, {
                "certificate_number": number, "issued_on": issued.date().isoformat(),
                "valid_to": valid_to.date().isoformat(), "qualification": int(qualification)}),
        ]))  # fmt: skip
    failed = round(len(approved) * (1 - PASS_RATE) / PASS_RATE)
    withdrawn = round((len(approved) + failed) * WITHDRAWN_SHARE)
    waiting = round(len(approved) * WAITING_SHARE) if year == as_of.year else 0
    chosen = others[: failed + withdrawn + waiting]
    outcomes = ["failed"] * failed + ["withdrawn"] * withdrawn + ["waiting"] * waiting
    for firm, outcome in zip(chosen, outcomes, strict=False):
        if outcome == "waiting":  # the second batch: selected in late summer, decided after the demo's day
            selected = _days(rng, _day(year, 8, 1), _day(year, 9, 30))
            reviewed = _after(rng, selected, 10, 40)
            submitted = max(_days(rng, _day(year, 10, 15), _day(year, 12, 15)), _after(rng, reviewed, 5, 5))
        else:  # the first batch: selected in spring, submitted in early summer, decided in autumn
            selected = _days(rng, _day(year, 3, 1), _day(year, 4, 30))
            reviewed = _after(rng, selected, 10, 40)
            submitted = max(_days(rng, _day(year, 6, 1), _day(year, 7, 15)), _after(rng, reviewed, 5, 5))
        steps = [(CampaignStage.CANDIDATE, selected, {})]
        if outcome == "withdrawn" and rng.random() < 0.5:
            reason = WITHDRAWAL_REASONS[int(rng.integers(len(WITHDRAWAL_REASONS)))]
            steps.append((CampaignStage.WITHDRAWN, _after(rng, selected, 5, 30), {"reason": reason}))
        else:
            if outcome == "withdrawn":
                result = PreReviewResult.FAIL if rng.random() < 0.6 else PreReviewResult.CONCERNS
            else:
                result = PreReviewResult.PASS if rng.random() < 0.5 else PreReviewResult.CONCERNS
            steps.append((CampaignStage.PRE_REVIEWED, reviewed, {"result": result, "notes": _concern(rng, result)}))
            if outcome == "withdrawn":
                reason = WITHDRAWAL_REASONS[int(rng.integers(len(WITHDRAWAL_REASONS)))]
                steps.append((CampaignStage.WITHDRAWN, _after(rng, reviewed, 3, 20), {"reason": reason}))
            else:
                steps.append((CampaignStage.SUBMITTED, submitted, {"submitted_on": submitted.date().isoformat()}))
            if outcome == "failed":
                reason = FAILURE_REASONS[int(rng.integers(len(FAILURE_REASONS)))]
                steps.append((CampaignStage.FAILED, _days(rng, _day(year, 9, 15), _day(year, 11, 30)),
                              {"reason": reason}))  # fmt: skip
        plans.append((firm, steps))
    # What had happened by the demo's day: later steps have not happened yet, an entry not yet selected is not there.
    today = pd.Timestamp(as_of)
    plans = [(firm, [step for step in steps if step[1] <= today]) for firm, steps in plans]
    return [(firm, steps) for firm, steps in plans if steps]


def _concern(rng, result: str) -> str:
    if result == PreReviewResult.CONCERNS:
        return CONCERNS[int(rng.integers(len(CONCERNS)))]
    if result == PreReviewResult.FAIL:
        return PRE_REVIEW_FAILS[int(rng.integers(len(PRE_REVIEW_FAILS)))]
    return ""


def seed_campaigns(*, timeline: RegistryTimeline, run, seed: int, actors: dict) -> dict:
    """Last year's and this year's campaigns. Approved entries are the firms whose certificate (a qualification of
    the demo) was issued that year, each approved on its issue day; failed, withdrawn and still waiting entries are
    firms in T2 now that hold no certificate, from the readier half (and, last year, some firms certified since:
    failed then, passed at their second attempt). Entries are written with their stage and events
    as the campaign service would have left them, dated through the year (`at` set after the insert)."""
    rng = np.random.default_rng(seed + 43)
    as_of = timeline.as_of
    quals = timeline.qualifications
    high_tech = quals[quals["kind"] == QualificationKind.HIGH_TECH].sort_values(["valid_from", "firm"])
    readiness = dict(Portrait.objects.filter(run=run).values_list("enterprise_id", "readiness"))
    uncertified = sorted(
        set(TierPlacement.objects.filter(tier=Tier.T2).values_list("enterprise_id", flat=True))
        - set(high_tech["firm"]),
        key=lambda firm: (-(readiness.get(firm) or 0), firm),
    )
    # The readier half of them, shuffled: staff select from the top of the T2 list, not strictly in its order.
    pool = list(rng.permutation(uncertified[: max(len(uncertified) // 2, 1)]).astype(int)) if uncertified else []
    counts, failed_last_year = {}, []
    for year in (as_of.year - 1, as_of.year):
        approved = high_tech[
            (high_tech["valid_from"].dt.year == year) & (high_tech["valid_from"] <= pd.Timestamp(as_of))
        ].drop_duplicates("firm")
        others = pool
        if year < as_of.year:
            # Some of this year's newly certified firms failed last year: their second attempt passed.
            later = high_tech.loc[high_tech["valid_from"].dt.year > year, "firm"].unique()
            retried = round(len(approved) * (1 - PASS_RATE) / PASS_RATE * SECOND_ATTEMPT_SHARE)
            others = [int(firm) for firm in rng.permutation(later)[:retried]] + others
        else:
            # Some of last year's failed firms still without a certificate apply again.
            others = [firm for firm in failed_last_year if rng.random() < REAPPLY_SHARE] + others
        taken = set(approved["firm"])
        others = list(dict.fromkeys(firm for firm in others if firm not in taken))
        plans = _plans(rng, year=year, as_of=as_of, approved=approved, others=others)
        if not plans:
            continue
        failed_last_year = [firm for firm, steps in plans if steps[-1][0] == CampaignStage.FAILED]
        counts[year] = _write_campaign(rng, timeline=timeline, year=year, plans=plans, actors=actors)
    return {"campaigns": counts}


def _write_campaign(rng, *, timeline: RegistryTimeline, year: int, plans: list, actors: dict) -> dict:
    firms = np.array([firm for firm, _steps in plans], dtype="int64")
    selected = pd.Series([steps[0][1] for _firm, steps in plans])
    # The tier and readiness each firm had on its selection day, by the rules on the registry of that day.
    frame = timeline.frame_at(firms, selected)
    result = score(frame, timeline.ruleset, selected.median().date())
    tiers = result["tier"].to_numpy()
    readiness = result["readiness"].to_numpy()
    counties = timeline.firms["county"].reindex(firms).to_numpy()
    city = actors["city"]
    opened = selected.min() - pd.Timedelta(days=int(rng.integers(3, 11)))
    campaign = Campaign.objects.create(
        year=year, title=f"{year}年度高新技术企业认定申报", opened_by=city,
        notes="市科技局组织，县（市、区）科技部门推荐，市局预审后统一提交。",
    )  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(opened_at=office_times(rng, [opened.date()])[0])
    entries, stamps = [], []
    for index, (firm, steps) in enumerate(plans):
        times = office_times(rng, [day.date() for _stage, day, _data in steps])
        entry = CampaignEntry(
            campaign=campaign, enterprise_id=firm, stage=steps[-1][0], selected_by=actors.get(counties[index], city),
            readiness_at_selection=round(float(readiness[index]), 1), tier_at_selection=tiers[index],
            override=tiers[index] != Tier.T2,
        )  # fmt: skip
        for stage, day, data in steps:
            if stage == CampaignStage.PRE_REVIEWED:
                entry.pre_review_result, entry.pre_review_notes = data["result"], data["notes"]
            elif stage == CampaignStage.SUBMITTED:
                entry.submitted_on = day.date()
            elif stage == CampaignStage.APPROVED:
                entry.certificate_number, entry.certificate_issued_on = data["certificate_number"], day.date()
                entry.qualification_id = data["qualification"]
            elif stage == CampaignStage.FAILED:
                entry.failure_reason = data["reason"]
            elif stage == CampaignStage.WITHDRAWN:
                entry.withdrawal_reason = data["reason"]
        entries.append(entry)
        stamps.append(times)
    CampaignEntry.objects.bulk_create(entries, batch_size=2000)
    if entries and entries[0].pk is None:
        ids = dict(CampaignEntry.objects.filter(campaign=campaign).values_list("enterprise_id", "pk"))
        for entry in entries:
            entry.pk = ids[entry.enterprise_id]
    # auto_now_add / auto_now stamped the insert: the entries' own days are set after it.
    for entry, times in zip(entries, stamps, strict=True):
        entry.selected_at, entry.updated_at = times[0], times[-1]
    CampaignEntry.objects.bulk_update(entries, ["selected_at", "updated_at"], batch_size=1000)
    events = []
    for (_firm, steps), entry, times in zip(plans, entries, stamps, strict=True):
        previous = ""
        for (stage, _when, data), at in zip(steps, times, strict=True):
            if stage == CampaignStage.CANDIDATE:
                data = {"override": entry.override, "tier": entry.tier_at_selection}
            actor = entry.selected_by if stage in (CampaignStage.CANDIDATE, CampaignStage.WITHDRAWN) else city
            # An event's time defaults to now: the past's are given.
            events.append(
                CampaignEvent(entry_id=entry.pk, from_state=previous, to_state=stage, data=data, actor=actor, at=at)
            )
            previous = stage
    CampaignEvent.objects.bulk_create(events, batch_size=2000)
    stages = pd.Series([entry.stage for entry in entries]).value_counts()
    return {str(stage): int(count) for stage, count in stages.items()}
