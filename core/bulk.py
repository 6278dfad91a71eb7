"""Writing many rows into PostgreSQL fast: binary COPY built with numpy, and a load into an empty table whose
indexes are built once afterwards instead of row by row.

Why: policy matching writes up to a million match rows per night, and the dashboards' refresh a row per firm.
Formatting them as CSV text in pandas took longer than PostgreSQL's whole load, and an index maintained while a
million rows arrive costs about a second per index (one descent and one WAL record per row), three times what
building it from the loaded rows costs.
"""

import itertools
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import OperationalError, connection, transaction

# PostgreSQL's binary COPY types used here, as big-endian numpy types (text columns are written as their UTF-8 bytes).
INT8, INT2, FLOAT8, TEXT = ">i8", ">i2", ">f8", "text"
HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # signature, flags, no header extension
TRAILER = struct.pack(">h", -1)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # INT8, INT2, FLOAT8 (NaN is written as NULL) or TEXT (a pandas Categorical, never null)


def binary_copy_chunks(columns: list[Column], rows: pd.DataFrame) -> Iterator[bytes]:
    """The COPY ... (FORMAT binary) stream of `rows`, in their order, in chunks.

    A binary tuple is its field count, then each field's length and bytes (length -1 and no bytes for NULL). Each
    run of consecutive rows with the same layout (which fields are null, which text each text column holds) is one
    packed numpy record array, built without a loop over rows: order the rows so that runs are long (matching
    orders them by policy, status and county, which is also the order its list index is built fastest in)."""
    if any(column.kind not in (INT8, INT2, FLOAT8, TEXT) for column in columns):
        raise ValueError("unsupported column kind")
    yield HEADER
    if len(rows):
        texts, nulls, values = {}, {}, {}
        layout = np.zeros(len(rows), dtype=np.int64)
        for column in columns:
            series = rows[column.name]
            if column.kind == TEXT:
                codes = series.cat.codes.to_numpy()
                if (codes < 0).any():
                    raise ValueError(f"{column.name}: text columns may not be null")
                categories = [str(value).encode() for value in series.cat.categories]
                texts[column.name] = (codes, categories)
                layout = layout * len(categories) + codes
            else:
                null = series.isna().to_numpy()
                nulls[column.name] = null
                values[column.name] = series.to_numpy(dtype=np.dtype(column.kind).newbyteorder("="), na_value=0)
                layout = layout * 2 + null
        bounds = [*np.flatnonzero(np.diff(layout, prepend=layout[0] - 1)), len(rows)]
        dtypes = {}
        for start, stop in itertools.pairwise(bounds):
            if layout[start] not in dtypes:
                dtypes[layout[start]] = _layout(columns, start, texts, nulls)
            dtype, lengths, fixed = dtypes[layout[start]]
            records = np.empty(stop - start, dtype=dtype)
            records["count"] = len(columns)
            for name, length in lengths.items():
                records[name] = length
            for name, text in fixed.items():
                records[name] = text
            for number, column in enumerate(columns):
                if f"value{number}" in dtype.names and column.kind != TEXT:
                    records[f"value{number}"] = values[column.name][start:stop]
            yield records.tobytes()
    yield TRAILER


def _layout(columns, row, texts, nulls) -> tuple[np.dtype, dict[str, int], dict[str, bytes]]:
    """The packed record type of rows laid out like `row`, each field's length, and the texts they all hold."""
    fields, lengths, fixed = [("count", ">i2")], {}, {}
    for number, column in enumerate(columns):
        fields.append((f"length{number}", ">i4"))
        if column.kind == TEXT:
            codes, categories = texts[column.name]
            text = categories[codes[row]]
            lengths[f"length{number}"] = len(text)
            if text:  # an empty text has a length of 0 and no bytes
                fields.append((f"value{number}", f"S{len(text)}"))
                fixed[f"value{number}"] = text
        elif nulls[column.name][row]:
            lengths[f"length{number}"] = -1
        else:
            lengths[f"length{number}"] = np.dtype(column.kind).itemsize
            fields.append((f"value{number}", column.kind))
    return np.dtype(fields), lengths, fixed


def copy_binary(table: str, columns: list[Column], rows: pd.DataFrame) -> None:
    """COPY `rows` into `table` (inside the caller's transaction)."""
    names = ", ".join(connection.ops.quote_name(column.name) for column in columns)
    statement = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN WITH (FORMAT binary)"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in binary_copy_chunks(columns, rows):
            copy.write(chunk)


# ---------------------------------------------------------------------------------------------------------------
# Loading an empty table

INDEX_DEFINITIONS_SQL = """
SELECT index_class.relname, pg_get_indexdef(i.indexrelid), con.conname, pg_get_constraintdef(con.oid)
FROM pg_index i
JOIN pg_class index_class ON index_class.oid = i.indexrelid
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
WHERE i.indrelid = %s::regclass
ORDER BY i.indisprimary DESC, index_class.relname
"""


def lock_if_empty(table: str) -> bool:
    """Take the table for this transaction (ACCESS EXCLUSIVE) if it holds no row and nobody is using it now; True
    when taken. Readers are never queued behind us: a busy table is not waited for (NOWAIT), and its caller then
    writes the ordinary way."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted})")
        if cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic():  # a savepoint: a refused lock leaves the caller's transaction usable
                cursor.execute(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE NOWAIT")
        except OperationalError:
            return False
        # Rows may have been committed between the look and the lock; then the lock is kept but not used.
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quoted})")
        return not cursor.fetchone()[0]


def reserve_ids(table: str, column: str, count: int) -> np.ndarray:
    """`count` values of the table's identity column, drawn from its sequence in two statements instead of one
    nextval per row (a quarter of a second per million rows). Only while the table is locked against writers
    (lock_if_empty): a row inserted by anyone else draws from the same sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.seqrelid::regclass::text, s.seqincrement FROM pg_sequence s "
            "WHERE s.seqrelid = pg_get_serial_sequence(%s, %s)::regclass",
            [table, column],
        )
        sequence, step = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + (count - 1) * step])
    return first + np.arange(count, dtype=np.int64) * step


@contextmanager
def indexes_deferred(table: str):
    """Drop the indexes of `table` (which the caller has locked, see lock_if_empty) and the primary-key and unique
    constraints they back; build them again from their own catalogue definitions when the block ends. DDL is
    transactional in PostgreSQL: if anything fails, the rollback brings the indexes back too."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(INDEX_DEFINITIONS_SQL, [table])
        definitions = cursor.fetchall()
        for index, _definition, constraint, _constraint_definition in definitions:
            if constraint:
                cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(constraint)}")
            else:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(index)}")
    yield
    # (More maintenance_work_mem than the default 64 MB was tried for these builds: no faster at a million rows.)
    with connection.cursor() as cursor:
        for _index, definition, constraint, constraint_definition in definitions:
            if constraint:
                name = connection.ops.quote_name(constraint)
                cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {name} {constraint_definition}")
            else:
                cursor.execute(definition)
