import datetime
from decimal import Decimal

import pandas as pd
import pytest

from enterprises.models import Enterprise
from pipeline import nightly
from scoring import frames, services
from scoring.frames import load_frame
from scoring.models import Portrait, PortraitRank, ScoringChunk, ScoringRun, ScoringSettings
from scoring.selectors import current_run
from tests import factories
from tests.scoring.conftest import RUN_DAY, add_years


def test_run_writes_one_portrait_per_firm_and_publishes(city, run_scoring):
    run = run_scoring(chunk_size=4)
    assert run.status == ScoringRun.Status.PUBLISHED
    assert (run.chunks_total, run.chunks_done, run.firms_total, run.firms_scored) == (3, 3, 9, 9)
    assert Portrait.objects.filter(run=run).count() == 9
    assert sum(run.tier_counts.values()) == 9
    assert run.ruleset_year == 2026
    assert run.duration_s is not None
    assert current_run() == run
    certified = Portrait.objects.select_related("run").get(run=run, enterprise=city["home"][0])
    assert certified.tier == "t3"
    assert certified.details["sme_direct"] is True
    assert certified.details["n_years"] == 3


def test_two_runs_same_date_do_not_duplicate_portraits(city, run_scoring):
    first = run_scoring()
    assert run_scoring() is None
    assert ScoringRun.objects.count() == 1
    assert Portrait.objects.count() == 9
    forced = run_scoring(force=True)
    assert forced.status == ScoringRun.Status.PUBLISHED
    assert ScoringRun.objects.filter(run_date=RUN_DAY).count() == 2
    assert Portrait.objects.filter(run=first).count() == 9
    assert Portrait.objects.filter(run=forced).count() == 9
    assert current_run() == forced


def test_chunk_scored_twice_writes_once(city, run_scoring):
    run = run_scoring()
    assert services.score_chunk(run_id=run.pk, number=0) == 0
    ScoringChunk.objects.filter(run=run).update(status=ScoringChunk.Status.PENDING)
    ScoringRun.objects.filter(pk=run.pk).update(status=ScoringRun.Status.RUNNING)
    assert services.score_chunk(run_id=run.pk, number=0) == 9
    assert Portrait.objects.filter(run=run).count() == 9


def test_publish_twice_does_nothing_the_second_time(city, run_scoring):
    run = run_scoring()
    assert nightly.publish(run_id=run.pk).status == ScoringRun.Status.PUBLISHED  # a redelivered publish task
    assert PortraitRank.objects.count() == 9


def test_failed_chunk_fails_the_run_and_keeps_the_previous_one_shown(city, run_scoring, monkeypatch):
    yesterday = run_scoring(on=RUN_DAY - datetime.timedelta(days=1))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "load_frame", broken)
    failed = run_scoring(chunk_size=5)
    assert failed.status == ScoringRun.Status.FAILED
    assert "disk full" in failed.errors[0]
    assert current_run() == yesterday
    assert not Portrait.objects.filter(run=failed).exists()


def test_run_in_progress_is_not_shown(city, run_scoring, django_capture_on_commit_callbacks):
    yesterday = run_scoring(on=RUN_DAY - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False):
        started = nightly.start_run(on=RUN_DAY)
    # Half the chunks scored, publication not reached.
    services.score_chunk(run_id=started.pk, number=0)
    assert Portrait.objects.filter(run=started).exists()
    assert current_run() == yesterday


def test_ranks_within_county_and_industry(city, run_scoring):
    run = run_scoring()
    ranks = PortraitRank.objects.filter(portrait__run=run).select_related("portrait")
    assert ranks.count() == 9
    for rank in ranks:
        assert 0 <= rank.in_county <= 1
        assert 0 <= rank.in_industry <= 1
    for county in (city["xinhua"], city["ruzhou"]):
        in_county = sorted(
            (rank.portrait.innovative_sme_score, rank.in_county) for rank in ranks if rank.portrait.county == county
        )
        assert in_county[0][1] == 0.0
        # Higher score, higher percentile; equal scores, equal percentiles.
        assert [percentile for _score, percentile in in_county] == sorted(p for _s, p in in_county)


def test_city_admin_setting_chooses_the_ruleset(city, run_scoring):
    ScoringSettings.objects.create(ruleset_year=2025)
    assert run_scoring().ruleset_year == 2025


def test_frame_from_database_keeps_money_exact(db):
    enterprise = factories.EnterpriseFactory()
    add_years(enterprise, revenue=Decimal("50000000.01"), rd=Decimal("0.01"))
    frame = load_frame(first_id=enterprise.pk, last_id=enterprise.pk, on=RUN_DAY)
    row = frame.loc[enterprise.pk]
    assert row["revenue_3"] == 5000000001
    assert row["revenue_1"] == 3000000000
    assert row["rd_expense_3"] == 1
    assert row["n_years"] == 3
    assert row["latest_year"] == 2025


def test_frame_narrowed_to_some_indicators_keeps_their_values_and_the_rest(city):
    ids = sorted(firm.pk for firm in city["all"])
    full = load_frame(first_id=ids[0], last_id=ids[-1], on=RUN_DAY)
    narrow = load_frame(first_id=ids[0], last_id=ids[-1], on=RUN_DAY, fields=("revenue", "rd_expense"))
    assert "employees_3" not in narrow and "rd_expense_1" in narrow
    pd.testing.assert_frame_equal(narrow, full[list(narrow.columns)])
    assert load_frame(first_id=ids[0], last_id=ids[-1], on=RUN_DAY, fields=())["n_years"].eq(0).all()
    latest = load_frame(first_id=ids[0], last_id=ids[-1], on=RUN_DAY, fields=("revenue",), latest_only=True)
    pd.testing.assert_series_equal(latest["revenue_3"], full["revenue_3"])
    assert latest["revenue_1"].isna().all() and latest["revenue_2"].isna().all()
    assert latest["latest_year"].eq(2025).all() and latest["n_years"].eq(1).all()
    with pytest.raises(ValueError, match="unknown indicator fields"):
        load_frame(first_id=ids[0], last_id=ids[-1], on=RUN_DAY, fields=("no_such_field",))


def test_frame_ignores_the_current_and_future_years(db):
    enterprise = factories.EnterpriseFactory()
    add_years(enterprise)
    factories.IndicatorFactory(enterprise=enterprise, year=2026)
    frame = load_frame(first_id=enterprise.pk, last_id=enterprise.pk, on=RUN_DAY)
    assert frame.loc[enterprise.pk, "latest_year"] == 2025


def test_frame_reads_the_registered_source_of_ip_counts(db, monkeypatch):
    held, other = factories.EnterpriseFactory.create_batch(2)
    add_years(held)
    add_years(other)
    # A source of one firm's counts that also uses the run's date: formatted like the frame's own queries.
    source = (
        f"SELECT id, 7, 2 FROM {Enterprise._meta.db_table} WHERE id BETWEEN {{first}} AND {{last}} "
        f"AND id = {held.pk} AND '{{on}}' = '{RUN_DAY.isoformat()}'"
    )
    monkeypatch.setattr(frames, "_ip_counts_sql", lambda: source)
    first, last = sorted((held.pk, other.pk))
    frame = load_frame(first_id=first, last_id=last, on=RUN_DAY)
    assert frame.loc[held.pk, "ip_from_register"]
    assert (frame.loc[held.pk, "ip_register_class1"], frame.loc[held.pk, "ip_register_class2"]) == (7, 2)
    assert not frame.loc[other.pk, "ip_from_register"]
    assert pd.isna(frame.loc[other.pk, "ip_register_class1"])
    # No registered source: no register read, every firm's counts come from its indicators.
    monkeypatch.setattr(frames, "_ip_counts_sql", None)
    frame = load_frame(first_id=first, last_id=last, on=RUN_DAY)
    assert not frame["ip_from_register"].any()
    assert frame["ip_register_class1"].isna().all()


def test_firm_without_indicators_gets_a_portrait(db, run_scoring):
    factories.EnterpriseFactory()
    run = run_scoring()
    portrait = Portrait.objects.get(run=run)
    assert portrait.tier == "outside"
    assert portrait.sme_score == 0


@pytest.mark.usefixtures("require_postgres")
def test_postgres_path_copies_portraits(city, run_scoring):
    run = run_scoring(chunk_size=2)
    assert Portrait.objects.filter(run=run).count() == 9
    assert Portrait.objects.filter(run=run, industry_division="34").count() == 9
