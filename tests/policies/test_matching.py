import pytest

from accounts.models import Role
from enterprises.models import AnnualIndicator
from policies.matching import match_from_run, matching_frame
from policies.models import MatchStatus, PolicyMatch
from policies.services import policy_save
from tests.policies.conftest import RD_AND_PATENT
from tests.policies.factories import PolicyFactory


def statuses(policy) -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in PolicyMatch.objects.filter(policy=policy).values_list(
            "enterprise_id", "status", "missing_field", "missing_actual"
        )
    }


def test_publishing_a_run_matches_every_active_policy(matched):
    home, away = matched["home"], matched["away"]
    rows = statuses(matched["policy"])
    assert {pk for pk, row in rows.items() if row[0] == MatchStatus.MEETS} == {home[3].pk, *(f.pk for f in away)}
    assert {pk: (row[0], row[1]) for pk, row in rows.items() if row[0] == MatchStatus.NEARLY} == {
        firm.pk: (MatchStatus.NEARLY, "rd_ratio") for firm in home[:3]
    }
    assert [rows[firm.pk][2] for firm in home[:3]] == [0.0, 0.01, 0.02]
    matched["policy"].refresh_from_db()
    assert matched["policy"].matched_run_id == matched["run"].pk


def test_matching_frame_uses_the_scoring_vocabulary(matched):
    frame = matching_frame(matched["run"])
    firm = matched["home"][2]
    assert frame.loc[firm.pk, "rd_ratio"] == 0.02
    assert frame.loc[firm.pk, "county"] == "410402"
    assert bool(frame.loc[matched["home"][0].pk, "q_high_tech"]) is True
    assert frame.loc[firm.pk, "revenue"] == 30_000_000 * 100  # cents, as the rules hold money


def test_rematching_writes_only_what_changed(matched, run_scoring):
    home, away = matched["home"], matched["away"]
    ids = dict(PolicyMatch.objects.values_list("enterprise_id", "pk"))
    run = run_scoring(force=True)
    assert dict(PolicyMatch.objects.values_list("enterprise_id", "pk")) == ids  # nothing rewritten
    assert match_from_run(run=run).inserted == 0

    # home[2] reaches 3% R&D (nearly → meets); away[4] loses its patent and its R&D (fails both: no match).
    AnnualIndicator.objects.filter(enterprise=home[2], year=2025).update(rd_expense=900000, rd_expense_domestic=0)
    AnnualIndicator.objects.filter(enterprise=away[4], year=2025).update(
        invention_patents=0, rd_expense=0, rd_expense_domestic=0
    )
    outcome = match_from_run(run=run)  # conditions on figures read the registry as of the run's day
    assert (outcome.inserted, outcome.updated, outcome.deleted) == (0, 1, 1)
    rows = statuses(matched["policy"])
    assert rows[home[2].pk] == (MatchStatus.MEETS, "", None)
    assert away[4].pk not in rows
    assert PolicyMatch.objects.get(enterprise=home[2]).pk == ids[home[2].pk]


def test_inactive_policy_loses_its_matches_at_the_next_run(matched):
    matched["policy"].active = False
    matched["policy"].save()
    match_from_run(run=matched["run"])
    assert not PolicyMatch.objects.filter(policy=matched["policy"]).exists()


def test_saving_a_policy_rematches_it_after_commit(matched, make_user, django_capture_on_commit_callbacks):
    city_staff = make_user(Role.CITY_STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        policy = policy_save(
            actor=city_staff,
            data={"title": "研发后补助", "issuer": "市科技局", "kind": "subsidy", "summary": "测试",
                  "conditions": [{**RD_AND_PATENT[0], "value": "0.05"}, RD_AND_PATENT[1]]},
        )  # fmt: skip
    meets = set(PolicyMatch.objects.filter(policy=policy, status="meets").values_list("enterprise_id", flat=True))
    # R&D ratio ≥ 5%: firms 5–8, all away.
    assert meets == {firm.pk for firm in matched["away"][1:]}


def test_policy_save_rejects_bad_conditions_and_keeps_nothing(db, make_user):
    city_staff = make_user(Role.CITY_STAFF)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        policy_save(
            actor=city_staff,
            data={"title": "x", "issuer": "y", "kind": "subsidy", "summary": "z",
                  "conditions": [{"field": "revenue", "op": "gte", "value": "many"}]},
        )  # fmt: skip
    assert "conditions" in caught.value.message_dict
    assert not PolicyFactory._meta.model.objects.exists()


def test_policy_save_refused_to_county_staff(db, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        policy_save(actor=make_user(Role.COUNTY_STAFF, county_code="410402"), data={"title": "x"})
