"""Writes of the patent register: staff edits (audited) and the set-based evaluation of every right."""

import datetime
import io

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from ip import evaluation
from ip.models import Patent, PatentEvent
from ip.permissions import can_edit_patents
from rulesets import get_ruleset
from scoring.selectors import ruleset_year_in_force

EVALUATION_COLUMNS = ["id", "kind", "legal_status", "filed_on", "status_on", "acquired_on", "transferred_out_on",
                      "claims", "foreign_family_granted", "licence_count", "strategic_emerging", "pledged_cents",
                      "award"]  # fmt: skip
DATE_COLUMNS = ("filed_on", "status_on", "acquired_on", "transferred_out_on")
EVALUATION_SQL = """
SELECT id, kind, legal_status, filed_on, status_on, acquired_on, transferred_out_on, claims, foreign_family_granted,
       licence_count, strategic_emerging, CAST(ROUND(pledged_amount * 100) AS BIGINT), award
FROM {table} {where}
"""


def _read_patents(where: str, params: list) -> pd.DataFrame:
    query = EVALUATION_SQL.format(table=Patent._meta.db_table, where=where)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not params:
            buffer = io.BytesIO()
            with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            if not buffer.getbuffer().nbytes:
                return pd.DataFrame(columns=EVALUATION_COLUMNS)
            frame = pd.read_csv(buffer, header=None, names=EVALUATION_COLUMNS, keep_default_na=False, na_values=[""])
            frame["strategic_emerging"] = frame["strategic_emerging"].eq("t")
        else:
            cursor.execute(query, params)
            frame = pd.DataFrame(cursor.fetchall(), columns=EVALUATION_COLUMNS)
            frame["strategic_emerging"] = frame["strategic_emerging"].astype(bool)
    for name in DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name], errors="coerce")
    frame["award"] = frame["award"].astype(object).where(frame["award"].notna(), "").astype(str)
    return frame.set_index("id")


def evaluate_patents(*, enterprise_ids: list[int] | None = None, on: datetime.date | None = None) -> int:
    """Evaluate the rights of the given firms (default: all) as of `on` and store what changed: a few statements
    whatever the number of rights. Returns the number of rows changed."""
    on = on or timezone.localdate()
    ruleset = get_ruleset(ruleset_year_in_force())
    if enterprise_ids is None:
        frame = _read_patents("", [])
    elif connection.vendor == "postgresql":
        frame = _read_patents("WHERE enterprise_id = ANY(%s)", [list(enterprise_ids)])
    else:
        frames = [
            _read_patents(f"WHERE enterprise_id IN ({', '.join(['%s'] * len(part))})", part)
            for part in (enterprise_ids[i : i + 500] for i in range(0, len(enterprise_ids), 500))
        ]
        frame = pd.concat(frames) if frames else _read_patents("WHERE 1 = 0", [])
    if frame.empty:
        return 0
    result = evaluation.evaluate(frame, ruleset, on)
    result["evaluated_on"] = on.isoformat()
    return _write_evaluation(result)


def _write_evaluation(result: pd.DataFrame) -> int:
    table = Patent._meta.db_table
    if connection.vendor == "postgresql":
        rows = result.reset_index()[["id", "high_value", "high_value_reasons", "value_score", "evaluated_on"]]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE patent_evaluation (id bigint, high_value boolean, high_value_reasons smallint, "
                "value_score double precision, evaluated_on date) ON COMMIT DROP"
            )
            with cursor.copy("COPY patent_evaluation FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(rows.to_csv(index=False, header=False))
            # Only rows whose evaluation changed: unchanged rows are not rewritten (no dead tuples, no index work).
            cursor.execute(
                f"UPDATE {table} p SET high_value = e.high_value, high_value_reasons = e.high_value_reasons, "
                "value_score = e.value_score, evaluated_on = e.evaluated_on FROM patent_evaluation e "
                "WHERE p.id = e.id AND (p.high_value IS DISTINCT FROM e.high_value "
                "OR p.high_value_reasons IS DISTINCT FROM e.high_value_reasons "
                "OR p.value_score IS DISTINCT FROM e.value_score OR p.evaluated_on IS DISTINCT FROM e.evaluated_on)"
            )
            changed = cursor.rowcount
            cursor.execute("DROP TABLE patent_evaluation")
        return changed
    patents = [
        Patent(id=int(pk), high_value=bool(row.high_value), high_value_reasons=int(row.high_value_reasons),
               value_score=float(row.value_score), evaluated_on=row.evaluated_on)
        for pk, row in result.iterrows()
    ]  # fmt: skip
    Patent.objects.bulk_update(patents, ["high_value", "high_value_reasons", "value_score", "evaluated_on"], 1000)
    return len(patents)


def _changes(before: dict, after: dict) -> dict:
    return {
        name: [None if before.get(name) is None else str(before.get(name)), None if value is None else str(value)]
        for name, value in after.items()
        if str(before.get(name)) != str(value)
    }


def patent_save(*, enterprise, values: dict, actor, patent: Patent | None = None) -> Patent:
    """Create a right in `enterprise`'s register, or change `patent` (which must be that firm's), with an
    append-only PatentEvent in the same transaction; then evaluate it. `values` are a PatentForm's cleaned data."""
    if not can_edit_patents(actor, enterprise):
        raise PermissionDenied
    if patent is not None and patent.enterprise_id != enterprise.pk:
        raise PermissionDenied
    with transaction.atomic():
        if patent is None:
            patent = Patent(enterprise=enterprise, **values)
            before, action = {}, "create"
        else:
            patent = Patent.objects.select_for_update().get(pk=patent.pk)
            before = {name: getattr(patent, name) for name in values}
            for name, value in values.items():
                setattr(patent, name, value)
            action = "update"
        patent.full_clean(exclude=["high_value", "high_value_reasons", "value_score", "evaluated_on"])
        patent.save()
        PatentEvent.objects.create(patent=patent, actor=actor, action=action, changes=_changes(before, values))
        evaluate_patents(enterprise_ids=[enterprise.pk])
    patent.refresh_from_db()
    return patent
