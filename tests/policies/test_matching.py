import pandas as pd
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


def test_rematching_writes_only_what_changed(require_postgres, matched, run_scoring):
    """Only the differences are written: on PostgreSQL (the embedded SQLite rewrites the matches)."""
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


def test_every_condition_field_has_a_frame_column():
    from policies.conditions import FIELDS
    from policies.matching import FRAME_COLUMNS

    assert {item.column for item in FIELDS.values()} <= set(FRAME_COLUMNS)


@pytest.mark.parametrize(
    "columns",
    [
        {"rd_ratio", "invention_patents"},
        {"class1_ip", "st_ratio", "county", "tier"},
        {"rd_ratio_3y", "years_since_founded", "high_tech_field", "q_srdi", "class2_ip"},
        {"sme_passes", "innovative"},  # portrait columns only: the registry is not read
        set(),
    ],
)
def test_a_narrowed_frame_has_the_values_of_the_full_one(matched, columns):
    full = matching_frame(matched["run"])
    narrow = matching_frame(matched["run"], columns)
    assert set(narrow.columns) == columns | {"county_id"}
    pd.testing.assert_frame_equal(narrow, full[list(narrow.columns)], check_like=True)


def test_frame_columns_are_those_of_the_conditions(matched):
    from policies.matching import frame_columns

    assert frame_columns([matched["policy"]]) == {"rd_ratio", "invention_patents"}
    with pytest.raises(ValueError, match="unknown frame columns"):
        matching_frame(matched["run"], {"no_such_column"})


def rows(*items) -> pd.DataFrame:
    """Match rows from (policy, firm, county, status, missing index or None, missing field, actual or NaN)."""
    from policies.matching import MISSING_FIELDS, STATUSES, rows_frame

    columns = list(zip(*items, strict=True)) if items else [[]] * 7
    return rows_frame(
        columns[0], columns[1], columns[2], [STATUSES.index(s) for s in columns[3]],
        [-1 if i is None else i for i in columns[4]], [MISSING_FIELDS.index(f) for f in columns[5]], columns[6],
    )  # fmt: skip


def test_diff_finds_inserts_updates_and_deletes_and_takes_no_data_for_equal():
    from policies.matching import diff

    nan = float("nan")
    old = rows(
        (1, 10, 5, "meets", None, "", nan),  # unchanged
        (1, 11, 5, "nearly", 0, "rd_ratio", nan),  # unchanged: no data both nights
        (1, 12, 5, "nearly", 0, "rd_ratio", 0.01),  # actual changes
        (2, 10, 5, "meets", None, "", nan),  # gone
        (2, 11, 5, "nearly", 1, "revenue", 2.0),  # county changes
    ).assign(id=[100, 101, 102, 103, 104])
    new = rows(
        (1, 10, 5, "meets", None, "", nan),
        (1, 11, 5, "nearly", 0, "rd_ratio", nan),
        (1, 12, 5, "nearly", 0, "rd_ratio", 0.02),
        (2, 11, 6, "nearly", 1, "revenue", 2.0),
        (2, 12, 5, "meets", None, "", nan),  # new
    )
    inserts, updates, deletes = diff(new, old)
    assert inserts[["policy_id", "enterprise_id"]].values.tolist() == [[2, 12]]
    assert sorted(updates["id"].tolist()) == [102, 104]
    assert deletes == [103]
    inserts, updates, deletes = diff(rows(), old)
    assert (len(inserts), len(updates), sorted(deletes)) == (0, 0, [100, 101, 102, 103, 104])


def test_a_stored_field_no_longer_in_the_vocabulary_is_rewritten(matched, require_postgres):
    """A stored text outside today's categories reads back as 'unknown' and so differs from any computed row."""
    policy = matched["policy"]
    nearly = PolicyMatch.objects.filter(policy=policy, status=MatchStatus.NEARLY).first()
    PolicyMatch.objects.filter(pk=nearly.pk).update(missing_field="retired_field")
    outcome = match_from_run(run=matched["run"])
    assert (outcome.inserted, outcome.updated, outcome.deleted) == (0, 1, 0)
    nearly.refresh_from_db()
    assert nearly.missing_field == "rd_ratio"
