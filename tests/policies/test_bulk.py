"""Bulk writing (core.bulk) of the match table and the from-scratch load of matching (PostgreSQL only)."""

import math

import numpy as np
import pandas as pd
import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from core import bulk
from policies import matching
from policies.matching import match_from_run
from policies.models import MatchStatus, PolicyMatch
from tests.policies.factories import PolicyFactory

TABLE = PolicyMatch._meta.db_table


@pytest.fixture
def scratch_table(db, require_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bulk_scratch (a bigint, b smallint, c double precision, t varchar(20) NOT NULL, "
            "u varchar(20) NOT NULL)"
        )
    return "bulk_scratch"


def test_binary_copy_writes_nulls_texts_and_order(scratch_table):
    rows = pd.DataFrame(
        {
            "a": [5, -7, 2**40, 0, 3],
            "b": pd.array([1, None, -2, 300, None], dtype="Int16"),
            "c": [0.1, math.nan, -1e300, 2.5, math.nan],
            "t": pd.Categorical(["nearly", "meets", "meets", "", "中文"], categories=["", "meets", "nearly", "中文"]),
            "u": pd.Categorical(["x", "x", "", "y", "y"], categories=["", "x", "y"]),
        }
    )
    columns = [
        bulk.Column("a", bulk.INT8),
        bulk.Column("b", bulk.INT2),
        bulk.Column("c", bulk.FLOAT8),
        bulk.Column("t", bulk.TEXT),
        bulk.Column("u", bulk.TEXT),
    ]
    bulk.copy_binary(scratch_table, columns, rows)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT a, b, c, t, u FROM {scratch_table}")  # heap order: the order written
        stored = cursor.fetchall()
    assert stored == [
        (5, 1, 0.1, "nearly", "x"),
        (-7, None, None, "meets", "x"),
        (2**40, -2, -1e300, "meets", ""),
        (0, 300, 2.5, "", "y"),
        (3, None, None, "中文", "y"),
    ]


def test_binary_copy_of_no_rows_and_refusal_of_null_text(scratch_table):
    columns = [bulk.Column("a", bulk.INT8), bulk.Column("t", bulk.TEXT), bulk.Column("u", bulk.TEXT)]
    empty = pd.DataFrame({"a": np.array([], dtype=np.int64), "t": pd.Categorical([]), "u": pd.Categorical([])})
    bulk.copy_binary(scratch_table, columns, empty)
    with pytest.raises(ValueError, match="may not be null"):
        list(bulk.binary_copy_chunks(columns, pd.DataFrame({"a": [1], "t": pd.Categorical([None]), "u": ["x"]})))


def catalogue() -> list[tuple]:
    """The match table's indexes and constraints as PostgreSQL describes them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass ORDER BY 1",
            [TABLE],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "ORDER BY 1",
            [TABLE],
        )
        return indexes + cursor.fetchall()


def stored_matches() -> set[tuple]:
    return set(
        PolicyMatch.objects.values_list(
            "policy_id", "enterprise_id", "county_id", "status", "missing_index", "missing_field", "missing_actual"
        )
    )


def test_a_large_load_into_the_empty_table_builds_its_indexes_afterwards(matched, monkeypatch, require_postgres):
    expected, before = stored_matches(), catalogue()
    highest = PolicyMatch.objects.order_by("-pk").values_list("pk", flat=True).first()
    PolicyMatch.objects.all().delete()
    deferred = []
    real_deferral = bulk.indexes_deferred

    def spy(table):
        deferred.append(table)
        return real_deferral(table)

    monkeypatch.setattr(matching, "BULK_LOAD_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "indexes_deferred", spy)
    outcome = match_from_run(run=matched["run"])
    assert deferred == [TABLE]
    assert outcome.inserted == len(expected) and stored_matches() == expected
    assert catalogue() == before  # every index and constraint back, as the migrations made them
    ids = list(PolicyMatch.objects.values_list("pk", flat=True))
    assert len(set(ids)) == len(ids) and min(ids) > highest
    # The identity sequence went past the ids taken: the next row gets a fresh one.
    firm = matched["home"][0]
    other = PolicyFactory()
    fresh = PolicyMatch.objects.create(
        policy=other, enterprise=firm, county_id=firm.county_id, status=MatchStatus.MEETS
    )
    assert fresh.pk > max(ids)
    # The rebuilt unique constraint holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyMatch.objects.create(policy=other, enterprise=firm, county_id=firm.county_id, status=MatchStatus.MEETS)


def test_a_load_does_not_wait_for_readers_of_the_table(matched, monkeypatch, require_postgres):
    """Another session reading the table: the load neither queues behind it (NOWAIT) nor drops its indexes."""
    expected, before = stored_matches(), catalogue()
    PolicyMatch.objects.all().delete()
    monkeypatch.setattr(matching, "BULK_LOAD_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "indexes_deferred", lambda table: pytest.fail("indexes dropped under a reader"))
    with psycopg.connect(**connection.get_connection_params()) as reader:
        reader.execute(f"LOCK TABLE {TABLE} IN ACCESS SHARE MODE")
        assert bulk.lock_if_empty(TABLE) is False  # empty, but in use
        outcome = match_from_run(run=matched["run"])
    assert outcome.inserted == len(expected) and stored_matches() == expected
    assert catalogue() == before


def test_a_table_holding_rows_is_not_taken(matched, require_postgres):
    assert PolicyMatch.objects.exists()
    assert bulk.lock_if_empty(TABLE) is False
