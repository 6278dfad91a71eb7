"""Turn an uploaded file into a table of cells: xlsx via calamine, csv in UTF-8 (with or without BOM), GBK or
GB18030 (detected from the bytes, never asked), and anything else refused with a message that says what it is.

An xlsx is measured before it is parsed: the archive's declared sizes and compression ratios (a zip bomb is refused
unread), then one streaming pass over each visible sheet's XML for its rows, used area, formulas and merged cells,
so that a sheet with too many rows, or one stray cell at AA1048576, is refused in seconds and bounded memory.
Hidden sheets are not read (the result names them).
"""

import codecs
import csv
import html
import io
import itertools
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from core.uploads import HEAD_BYTES, sniff, sniff_upload, sniff_zip
from enterprises.importing.columns import Column, header_lookup, normalise_header

# Statistics extracts often carry a title or a note above the header row.
HEADER_SEARCH_ROWS = 10
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
MAX_FORMULA_CELLS_REPORTED = 200
MAX_MERGED_RANGES = 200
SCAN_CHUNK = 4 * 2**20
# Cells holding something (not self-closing: <c r="B7" s="3"/> is formatting only): their column and row.
_FILLED_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
# The same, for the way every common writer puts it (r first, no prefix): several times faster on a large sheet.
_FILLED_CELL_PLAIN = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
_CELL_OPENINGS = (b"<c ", b"<c>", b":c ", b":c>")
_CELL_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_PREFIXED_ROW_TAG = re.compile(rb"<\w+:row[\s>]")
# A formula cell's <f> element, as plain searches (much faster than a pattern over a whole sheet).
FORMULA_OPENINGS = (b"<f>", b"<f ", b"<f/>")
_MERGE_TAG = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
# No workbook has more parts; a part this small may compress at any ratio (a styles part of repeated entries).
MAX_PARTS = 5000
RATIO_FREE_BYTES = 2**20
# calamine holds a sheet as a full grid from A1 to its last cell: at most this many cells (300,000 rows of the
# template's 27 columns, and some room), whatever the rows and column limits allow one by one.
MAX_GRID_CELLS = 12_000_000
# A sheet of more cells than this is given to calamine in slices of its XML (each about SLICE_BYTES, cut between
# rows), so that its grid (about 45 bytes a cell) never holds the whole sheet: 360 MB for the file at the row limit.
SLICE_CELLS = 1_000_000
# Distinct values of one column remembered while reading, so that each repeated one is kept once.
MAX_KEPT_VALUES = 50_000
SLICE_BYTES = 32 * 2**20
_SHEET_DATA_OPEN = re.compile(rb"<((?:\w+:)?)sheetData\s*(/?)>")
_DIMENSION_TAG = re.compile(rb"<(?:\w+:)?dimension\b[^>]*>")
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the person who uploaded it."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None):
        super().__init__(message)
        self.message = message
        self.sheet = sheet
        self.row = row


@dataclass
class FormulaCell:
    row: int  # as the user sees it (1-based)
    column: int  # 0-based position in the sheet
    formula: str


@dataclass
class RawTable:
    file_format: str  # "xlsx" or "csv"
    encoding: str  # csv only
    sheet: str  # sheet name (xlsx) or file name (csv)
    header_row: int  # 1-based
    headers: list[str]  # as written in the file
    columns: dict[str, int]  # column key -> position, for the recognised columns
    extra_headers: list[str]  # headers present but not part of the template: ignored, and said so
    cells: pd.DataFrame  # one row per data row, one column per recognised key; object dtype
    row_numbers: list[int]  # 1-based sheet row of each data row
    formulas: list[FormulaCell] = field(default_factory=list)
    duplicate_headers: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)  # not read, and said so
    merged: list[str] = field(default_factory=list)  # merged ranges ("A3:A5") reaching below the header row


def read_table(content: bytes, *, file_name: str, columns: tuple[Column, ...]) -> RawTable:
    found = sniff(content[:HEAD_BYTES])
    if found.kind == "empty":
        raise ImportFileError(_("The file “%(name)s” is empty (0 bytes).") % {"name": file_name})
    if found.kind == "zip":
        return _read_xlsx(content, file_name=file_name, columns=columns)
    if found.kind == "ole":
        raise ImportFileError(
            _(
                "“%(name)s” is an old Excel 97-2003 (.xls) workbook, a password-protected workbook or another OLE "
                "file. Save it as .xlsx without a password and upload it again."
            )
            % {"name": file_name}
        )
    if found.kind in ("text", "unknown"):
        return _read_csv(content, file_name=file_name, columns=columns)
    raise ImportFileError(not_a_spreadsheet_message(file_name, found.label))


def upload_problem(uploaded_file) -> str | None:
    """Why an uploaded file cannot be an import (judged by its content when it is uploaded, so that a web page or a
    program renamed .xlsx is never stored), or None. The full check runs later, on the stored file."""
    file_name = str(uploaded_file.name or "").rsplit("/", 1)[-1]
    found = sniff_upload(uploaded_file)
    if found.kind in ("xlsx", "text"):
        return _too_large(uploaded_file.size, csv=found.kind == "text")
    if found.kind == "empty":
        return _("The file “%(name)s” is empty (0 bytes).") % {"name": file_name}
    if found.kind == "ole":
        return _(
            "“%(name)s” is an old Excel 97-2003 (.xls) workbook, a password-protected workbook or another OLE "
            "file. Save it as .xlsx without a password and upload it again."
        ) % {"name": file_name}
    return not_a_spreadsheet_message(file_name, found.label)


def _too_large(size: int, *, csv: bool) -> str | None:
    """Why a workbook or csv of `size` bytes is too large to check, or None. The limits bound the check's peak
    memory, which grows with the file by about two and a half times as much per MB of xlsx as of csv:
    IMPORT_MAX_FILE_MB for a workbook, IMPORT_MAX_CSV_MB for a csv (README "Settings")."""
    size_mb = size / 2**20
    if csv:
        if size <= settings.IMPORT_MAX_CSV_MB * 2**20:
            return None
        return _("The file is %(size).1f MB; a csv file of at most %(limit)d MB is accepted. Split it into smaller "
                 "files.") % {"size": size_mb, "limit": settings.IMPORT_MAX_CSV_MB}  # fmt: skip
    if size <= settings.IMPORT_MAX_FILE_MB * 2**20:
        return None
    return _(
        "The file is %(size).1f MB; a workbook of at most %(limit)d MB is accepted. Save it as csv (accepted up to "
        "%(csv_limit)d MB) or split it into smaller files."
    ) % {"size": size_mb, "limit": settings.IMPORT_MAX_FILE_MB, "csv_limit": settings.IMPORT_MAX_CSV_MB}


def not_a_spreadsheet_message(file_name: str, what) -> str:
    return _(
        "“%(name)s” is %(what)s, not an xlsx workbook or a csv file. Upload the template filled in, saved as .xlsx "
        "or .csv."
    ) % {
        "name": file_name,
        "what": what,
    }


def decode_text(content: bytes, *, file_name: str) -> tuple[str, str]:
    """The text and the encoding it was found in (see text_encoding)."""
    codec, label = text_encoding(content, file_name=file_name)
    return content.decode(codec), label


ENCODING_LABELS = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


def text_encoding(content: bytes, *, file_name: str) -> tuple[str, str]:
    """The codec the whole file decodes in, and its name for people. GB18030 is a superset of GBK (and GB2312).
    Decoded in slices and thrown away: the file's text is never held whole (50 MB of csv is 100 MB of text).

    A few NUL characters in a text file are kept (the check names each cell holding one); many of them mean UTF-16
    without its BOM or a binary file."""
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    view = memoryview(content)
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        characters = nuls = 0
        try:
            for start in range(0, len(content), SCAN_CHUNK):
                part = decoder.decode(view[start : start + SCAN_CHUNK])
                characters, nuls = characters + len(part), nuls + part.count("\x00")
            part = decoder.decode(b"", final=True)
            characters, nuls = characters + len(part), nuls + part.count("\x00")
        except UnicodeDecodeError:
            continue
        if nuls > max(10, characters // 1000):
            break
        return encoding, ENCODING_LABELS[encoding]
    raise ImportFileError(
        _(
            "“%(name)s” is neither an xlsx workbook nor a csv text file in UTF-8, GBK or GB18030. "
            "Upload the template filled in, saved as .xlsx or .csv."
        )
        % {"name": file_name}
    )


def _read_csv(content: bytes, *, file_name: str, columns) -> RawTable:
    codec, encoding = text_encoding(content, file_name=file_name)
    # The rows are decoded as they are read.
    text = io.TextIOWrapper(io.BytesIO(content), encoding=codec, newline="")
    first_lines = text.read(SCAN_CHUNK // 4)
    first_line = first_lines.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    text.seek(0)
    del first_lines
    reader = csv.reader(text, delimiter=delimiter)
    try:
        head = list(itertools.islice(reader, HEADER_SEARCH_ROWS))
        header = _locate_header(head, sheet=file_name, columns=columns)
        # The rest streams into the recognised columns only: a 100,000-row file never exists as a list of rows.
        rows = itertools.chain(head[header.index + 1 :], reader)
        return _build_table_from_rows(
            rows,
            header,
            headers=head[header.index],
            first_row_number=header.index + 2,
            file_format="csv",
            encoding=encoding,
            sheet=file_name,
        )
    except csv.Error as error:
        message = _("“%(name)s” is not a readable csv file: %(error)s") % {"name": file_name, "error": error}
        raise ImportFileError(message) from None


# ---------------------------------------------------------------------------------------------------------------
# xlsx: the archive and every sheet's XML are measured before anything is parsed.


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def _size(size: int) -> str:
    if size >= 2**30:
        return f"{size / 2**30:.1f} GB"
    if size >= 2**20:
        return f"{size / 2**20:.1f} MB"
    return f"{size / 2**10:.1f} KB"


def _check_archive(archive: zipfile.ZipFile, *, file_name: str) -> None:
    """Refuse, before any part is unpacked, an archive whose declared sizes or compression ratios no workbook has.
    (A part that declares less than it holds fails its CRC check when the scan below unpacks it.)"""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise ImportFileError(
            _("“%(name)s” holds %(count)d parts; no workbook has that many. It was not read.")
            % {"name": file_name, "count": len(infos)}
        )
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    total_limit = settings.IMPORT_MAX_UNCOMPRESSED_MB * 2**20
    total = sum(info.file_size for info in infos)
    if total > total_limit:
        raise ImportFileError(
            _(
                "“%(name)s” unpacks to %(size)s, more than the %(limit)d MB accepted. Split it into smaller files "
                "(at most %(rows)s rows each)."
            )
            % {
                "name": file_name,
                "size": _size(total),
                "limit": settings.IMPORT_MAX_UNCOMPRESSED_MB,
                "rows": _n(max_rows()),
            }
        )

    for info in infos:
        if info.flag_bits & 0x1:
            raise ImportFileError(
                _("“%(name)s” is encrypted; save it without a password and upload it again.") % {"name": file_name}
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FREE_BYTES and ratio > ratio_limit:
            raise ImportFileError(
                _(
                    "“%(name)s” was not read: its part “%(part)s” unpacks from %(packed)s to %(size)s (%(ratio)d "
                    "times), beyond the %(limit)d times any workbook reaches. This is how a “zip bomb” is built."
                )
                % {
                    "name": file_name,
                    "part": info.filename[:100],
                    "packed": _size(info.compress_size),
                    "size": _size(info.file_size),
                    "ratio": ratio,
                    "limit": ratio_limit,
                }
            )
        is_sheet = info.filename.startswith("xl/worksheets/")
        if not is_sheet and info.file_size > total_limit // 4:
            raise ImportFileError(
                _("“%(name)s” was not read: its part “%(part)s” unpacks to %(size)s, more than a workbook needs.")
                % {"name": file_name, "part": info.filename[:100], "size": _size(info.file_size)}
            )


def _n(number: int) -> str:
    return f"{number:,}"


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_RELATION_TAG = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _attributes(tag: bytes) -> dict[str, str]:
    return {
        key.decode().rsplit(":", 1)[-1] if key != b"r:id" else "rid": html.unescape(value.decode("utf-8", "replace"))
        for key, value in _ATTRIBUTE.findall(tag)
    }


@dataclass
class _SheetEntry:
    name: str
    part: str  # path of its XML inside the archive
    hidden: bool


def _sheet_entries(archive: zipfile.ZipFile, *, file_name: str) -> list[_SheetEntry]:
    """The workbook's sheets in order, with their XML part and whether they are hidden; from workbook.xml and its
    relations, read with plain patterns (no XML entities are expanded)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        raise ImportFileError(
            _(
                "“%(name)s” cannot be opened as an xlsx workbook (it is a zip archive without a workbook inside). "
                "Save it again from Excel or WPS as .xlsx."
            )
            % {"name": file_name}
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise _damaged(file_name, error) from None
    targets = {}
    for tag in _RELATION_TAG.findall(relations):
        attributes = _attributes(tag)
        target = attributes.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[attributes.get("Id", "")] = target
    entries = []
    for tag in _SHEET_TAG.findall(workbook):
        attributes = _attributes(tag)
        entries.append(
            _SheetEntry(
                name=attributes.get("name", ""),
                part=targets.get(attributes.get("rid", ""), ""),
                hidden=attributes.get("state", "visible") in ("hidden", "veryHidden"),
            )
        )
    return entries


def _verify_parts(archive: zipfile.ZipFile, *, file_name: str) -> None:
    """Unpack, as a stream and thrown away, every part calamine reads when it opens the workbook (shared strings,
    styles, relations): one that holds more than it declares fails its CRC check here, within its declared size,
    instead of inside calamine, which would believe it."""
    for info in archive.infolist():
        name = info.filename
        if name.startswith("xl/worksheets/") or not name.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(info) as stream:
                while stream.read(SCAN_CHUNK):
                    pass
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as error:
            raise _damaged(file_name, error) from None


def _damaged(file_name: str, error) -> ImportFileError:
    return ImportFileError(
        _("“%(name)s” cannot be opened as an xlsx workbook (%(error)s). Save it again from Excel or WPS as .xlsx.")
        % {"name": file_name, "error": error}
    )


@dataclass
class SheetScan:
    """What one streaming pass over a sheet's XML found, in bounded memory whatever the sheet's size."""

    rows: int = 0  # <row> elements seen
    last_row: int = 0  # 1-based row of the last cell holding something
    last_column: int = 0  # 1-based column of the right-most cell holding something
    last_cell: str = ""  # the cell that sets last_row
    has_formulas: bool = False
    merged: list[str] = field(default_factory=list)
    stopped: bool = False  # the pass stopped early at the row limit
    positional: bool = False  # some cells go without their plain reference (<c r="…" first), or with a prefix


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letter(index: int) -> str:
    """The letters of a 0-based column position (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def scan_sheet(stream, *, row_cap: int) -> SheetScan:
    """One pass over a sheet's XML in chunks: rows, the used area, formulas and merged ranges. Stops once more than
    `row_cap` rows were seen. Each chunk ends before its last "<", so no tag is ever cut in two."""
    scan = SheetScan()
    carry = b""
    columns: set[bytes] = set()
    positional, positional_width = False, 0
    while True:
        chunk = stream.read(SCAN_CHUNK)
        data = carry + chunk
        if chunk:
            cut = data.rfind(b"<")
            if cut > 0:
                data, carry = data[:cut], data[cut:]
            elif cut == 0:
                carry = data
                if len(carry) > 4 * SCAN_CHUNK:
                    raise ValueError("an XML tag longer than 16 MB")
                continue
            else:
                carry = b""
        scan.rows += data.count(b"<row ") + data.count(b"<row>")
        if b":row" in data:
            scan.rows += len(_PREFIXED_ROW_TAG.findall(data))
        if data.count(b"<c ") != data.count(b'<c r="') or b":c " in data or b"<c>" in data or b":c>" in data:
            cells = _FILLED_CELL.findall(data)  # another writer's way: every cell by the general pattern
            # Cells and rows may also go without their reference ("r"), placed one after the other: then the
            # widest row and the number of rows bound the grid.
            width = max(sum(part.count(tag) for tag in _CELL_OPENINGS) for part in data.split(b"</row>"))
            positional_width = max(positional_width, width)
            positional = True
        else:
            cells = _last_cells_of_rows(data)
        if cells:
            columns.update(map(itemgetter(0), cells))
            letters, number = cells[-1]
            if int(number) >= scan.last_row:
                scan.last_row, scan.last_cell = int(number), (letters + number).decode()
        if not scan.has_formulas and (
            any(tag in data for tag in FORMULA_OPENINGS) or (b":f" in data and FORMULA_TAG.search(data))
        ):
            scan.has_formulas = True
        if len(scan.merged) < MAX_MERGED_RANGES and b"mergeCell " in data:
            scan.merged.extend(ref.decode() for ref in _MERGE_TAG.findall(data)[:MAX_MERGED_RANGES])
        if scan.rows > row_cap:
            scan.stopped = True
            break
        if not chunk:
            break
    if columns:
        scan.last_column = max(column_number(letters.decode()) for letters in columns)
    scan.positional = positional
    if positional:
        scan.last_column = max(scan.last_column, positional_width)
        if scan.rows > scan.last_row:
            scan.last_row, scan.last_cell = scan.rows, f"{column_letter(max(scan.last_column, 1) - 1)}{scan.rows}"
    return scan


def _last_cells_of_rows(data: bytes) -> list[tuple[bytes, bytes]]:
    """(column letters, row number) of the last cell holding something in each row of `data`, for the common form
    (<c r="…" first). Only the last cell of a row matters for the used area; looking it up from each "</row>" costs a
    few searches per row instead of a match per cell. A row ending in a formatting-only cell is matched cell by cell."""
    found = []
    find, rfind = data.find, data.rfind
    position = 0
    while (end := find(b"</row>", position)) >= 0:
        start = rfind(b'<c r="', position, end)
        if start >= 0:
            close = find(b">", start, end)
            if data[close - 1 : close] == b"/":
                filled = _FILLED_CELL_PLAIN.findall(data, position, end)
                found.extend(filled)  # any of them may be the widest
            else:
                match = _CELL_REFERENCE.match(data, start)
                if match:
                    found.append(match.groups())
        position = end + 6
    return found


def _check_scan(scan: SheetScan, *, sheet: str, file_name: str) -> None:
    limit = max_rows()
    if scan.stopped:
        raise ImportFileError(
            _(
                "Sheet “%(sheet)s” of “%(name)s” has more than %(limit)s data rows, the most one file may carry. "
                "Split it into files of at most %(limit)s rows."
            )
            % {"sheet": sheet, "name": file_name, "limit": _n(limit)},
            sheet=sheet,
        )
    if scan.last_row > limit + HEADER_SEARCH_ROWS:
        raise ImportFileError(
            _(
                "Sheet “%(sheet)s” of “%(name)s” has a cell as far down as %(cell)s (row %(row)s), beyond the "
                "%(limit)s rows one file may carry. If the rows below your data look empty, something was typed "
                "there: delete those rows and upload again."
            )
            % {"sheet": sheet, "name": file_name, "cell": scan.last_cell, "row": _n(scan.last_row), "limit": _n(limit)},
            sheet=sheet,
            row=scan.last_row,
        )
    if scan.last_column > settings.IMPORT_MAX_COLUMNS:
        raise ImportFileError(
            _(
                "Sheet “%(sheet)s” of “%(name)s” has a cell as far right as column %(column)s, beyond the %(limit)d "
                "columns read. If the columns right of your data look empty, something was typed there: delete "
                "those columns and upload again."
            )
            % {
                "sheet": sheet,
                "name": file_name,
                "column": column_letter(scan.last_column - 1),
                "limit": settings.IMPORT_MAX_COLUMNS,
            },
            sheet=sheet,
        )
    if scan.last_row * scan.last_column > MAX_GRID_CELLS:
        raise ImportFileError(
            _(
                "Sheet “%(sheet)s” of “%(name)s” spans %(rows)s rows by %(columns)d columns (to cell %(cell)s), "
                "more cells than one file may carry. Delete the empty rows and columns around your data, or split "
                "the file."
            )
            % {
                "sheet": sheet,
                "name": file_name,
                "rows": _n(scan.last_row),
                "columns": scan.last_column,
                "cell": f"{column_letter(scan.last_column - 1)}{scan.last_row}",
            },
            sheet=sheet,
        )


def _read_xlsx(content: bytes, *, file_name: str, columns) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged(file_name, error) from None
    with archive:
        _check_archive(archive, file_name=file_name)
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            other = sniff_zip(io.BytesIO(content))
            if other.kind in ("docx", "pptx", "ofd"):
                raise ImportFileError(not_a_spreadsheet_message(file_name, other.label))
        entries = _sheet_entries(archive, file_name=file_name)
        _verify_parts(archive, file_name=file_name)
        scans: dict[str, SheetScan] = {}
        for entry in entries:
            if entry.hidden:
                continue
            if entry.part not in names:
                raise _damaged(file_name, _("sheet “%(sheet)s” has no data part") % {"sheet": entry.name})
            try:
                with archive.open(entry.part) as stream:
                    scans[entry.name] = scan_sheet(stream, row_cap=max_rows() + HEADER_SEARCH_ROWS)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as error:
                raise _damaged(file_name, error) from None
            _check_scan(scans[entry.name], sheet=entry.name, file_name=file_name)
    workbook = None
    hidden = [entry.name for entry in entries if entry.hidden]
    searched = []
    for entry in entries:
        if entry.hidden:
            continue
        scan = scans[entry.name]
        try:
            if scan.last_row * max(scan.last_column, 1) > SLICE_CELLS and not scan.positional:
                rows = _sliced_rows(content, entry, file_name=file_name)
            else:
                if workbook is None:
                    workbook = _open_workbook(content, file_name=file_name)
                rows = _sheet_rows(workbook.get_sheet_by_name(entry.name))
            head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        except CalamineError as error:
            raise _unreadable_sheet(entry.name, file_name, error) from None
        try:
            header = _locate_header(head, sheet=entry.name, columns=columns)
        except ImportFileError as error:
            searched.append(error)
            continue
        try:
            table = _build_table_from_rows(
                itertools.chain(head[header.index + 1 :], rows),
                header,
                headers=head[header.index],
                first_row_number=header.index + 2,
                file_format="xlsx",
                encoding="",
                sheet=entry.name,
            )
        except CalamineError as error:
            raise _unreadable_sheet(entry.name, file_name, error) from None
        table.hidden_sheets = hidden
        table.merged = [ref for ref in scan.merged if _last_row_of(ref) > table.header_row]
        if scan.has_formulas:
            table.formulas = _formula_cells(content, entry.name)
        return table
    if hidden:
        message = _(
            "No visible sheet of “%(name)s” has the template's header row (looked in: %(sheets)s). Hidden sheets "
            "are not read (hidden here: %(hidden)s): unhide the sheet with the data, or copy the data to a "
            "visible sheet."
        ) % {
            "name": file_name,
            "sheets": "、".join(e.name for e in entries if not e.hidden) or "—",
            "hidden": "、".join(hidden),
        }
        raise ImportFileError(message)
    if len(searched) == 1:
        raise searched[0]
    raise ImportFileError(
        _("No sheet of “%(name)s” has the template's header row (looked in: %(sheets)s).")
        % {"name": file_name, "sheets": "、".join(e.name for e in entries) or "—"}
    )


def _open_workbook(content: bytes, *, file_name: str):
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise _damaged(file_name, error) from None


def _unreadable_sheet(sheet: str, file_name: str, error) -> ImportFileError:
    return ImportFileError(
        _("Sheet “%(sheet)s” of “%(name)s” cannot be read: %(error)s")
        % {"sheet": sheet, "name": file_name, "error": error}
    )


def _sliced_rows(content: bytes, entry: _SheetEntry, *, file_name: str):
    """The sheet's rows as _sheet_rows gives them, read by calamine one slice of the XML at a time: each slice is a
    small workbook (every part of the file but the worksheets, stored unpacked, and the slice as this sheet). The
    scan found every cell carrying its reference, so a slice's cells keep their rows and columns."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {}
        for info in archive.infolist():
            name = info.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                parts[name] = _EMPTY_SHEET
            elif name.endswith((".xml", ".rels")):
                parts[name] = archive.read(info)
        strings = _SharedStrings.find(parts)
        done = 0  # rows given so far
        try:
            with archive.open(entry.part) as stream:
                for xml in _xml_slices(stream):
                    parts[entry.part] = xml
                    if strings is not None:
                        parts[strings.part] = strings.for_slice(xml)
                    packed = io.BytesIO()
                    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as book:
                        for name, data in parts.items():
                            book.writestr(name, data)
                    del xml
                    parts[entry.part] = b""
                    packed.seek(0)
                    try:
                        workbook = CalamineWorkbook.from_filelike(packed)
                    except (ValueError, OSError, zipfile.BadZipFile) as error:
                        raise _damaged(file_name, error) from None
                    del packed
                    sheet = workbook.get_sheet_by_name(entry.name)
                    # calamine gives a slice's rows from row 1: those above it are empty, and already given.
                    for position, row in enumerate(_sheet_rows(sheet)):
                        if position >= done:
                            yield row
                            done = position + 1
                    del sheet, workbook
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
            raise _damaged(file_name, error) from None


_SHARED_ITEM = re.compile(rb"<((?:\w+:)?)si\b[^>]*?(?:/>|>.*?</(?:\w+:)?si>)", re.DOTALL)
_SHARED_REFERENCE = re.compile(rb't="s"[^>]*><v>([0-9]+)</v>')


class _SharedStrings:
    """The workbook's shared strings, given to each slice with only the ones its cells use (the others empty, so
    that every index still points where it did): calamine would otherwise hold all of them again for every slice
    (1.5 million strings for a sheet at the row limit written by Excel)."""

    def __init__(self, part: str, data: bytes, spans: list[tuple[int, int]], empty: bytes):
        self.part, self.data, self.empty = part, data, empty
        self.starts = np.fromiter((start for start, _end in spans), dtype=np.int64, count=len(spans))
        self.ends = np.fromiter((end for _start, end in spans), dtype=np.int64, count=len(spans))
        self.head = data[: spans[0][0]]
        self.tail = data[spans[-1][1] :]

    @classmethod
    def find(cls, parts: dict[str, bytes]) -> "_SharedStrings | None":
        names = [name for name in parts if name.lower().endswith("sharedstrings.xml")]
        if len(names) != 1:
            return None
        data = parts[names[0]]
        spans, prefix = [], b""
        for match in _SHARED_ITEM.finditer(data):
            spans.append(match.span())
            prefix = match.group(1)
        if not spans:
            return None
        return cls(names[0], data, spans, b"<" + prefix + b"si/>")

    def for_slice(self, xml: bytes) -> bytes:
        references = _SHARED_REFERENCE.findall(xml)
        used = sorted({int(index) for index in references})
        if xml.count(b't="s"') != len(references) or (used and used[-1] >= len(self.starts)):
            return self.data  # a form of cell not recognised here: every string, as the file has them
        pieces = [self.head]
        previous = -1
        for index in used:
            pieces.append(self.empty * (index - previous - 1))
            pieces.append(self.data[self.starts[index] : self.ends[index]])
            previous = index
        pieces.append(self.empty * (len(self.starts) - previous - 1))
        pieces.append(self.tail)
        return b"".join(pieces)


def _xml_slices(stream):
    """A sheet's XML as whole worksheets of about SLICE_BYTES each: the part before <sheetData> (without its
    <dimension>, which would make calamine size its grid for the whole sheet), whole rows, and the closing tags."""
    head = bytearray()
    while True:
        chunk = stream.read(SCAN_CHUNK)
        head += chunk
        match = _SHEET_DATA_OPEN.search(head)
        if match or not chunk:
            break
    if not match or match.group(2):
        yield bytes(head)  # no rows: the sheet as it is
        return
    prefix = match.group(1)
    opening = _DIMENSION_TAG.sub(b"", bytes(head[: match.end()]))
    row_end, data_end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
    closing = data_end + b"</" + prefix + b"worksheet>"
    buffer = head[match.end() :]
    del head
    while True:
        chunk = stream.read(SCAN_CHUNK)
        buffer += chunk
        while len(buffer) >= SLICE_BYTES:
            cut = buffer.rfind(row_end, 0, SLICE_BYTES)
            if cut < 0:
                cut = buffer.find(row_end)  # one row longer than a slice: a slice of its own
                if cut < 0:
                    break  # its end is still to come
            cut += len(row_end)
            yield opening + bytes(buffer[:cut]) + closing
            del buffer[:cut]
        if not chunk:
            end = buffer.find(data_end)
            yield opening + bytes(buffer[: end if end >= 0 else len(buffer)]) + closing
            return


def _sheet_rows(sheet):
    """The sheet's rows from row 1 and column A (calamine starts its rows at row 1 but its columns at the first
    column holding something)."""
    offset = sheet.start[1] if sheet.start else 0
    if not offset:
        return iter(sheet.iter_rows())
    padding = [""] * offset
    return ([*padding, *row] for row in sheet.iter_rows())


def _last_row_of(reference: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", reference.rsplit(":", 1)[-1]) or 0)


@dataclass
class _Header:
    index: int  # 0-based row index of the header
    positions: dict[str, int]
    extra: list[str]
    duplicates: list[str]


def _locate_header(rows: list[list], *, sheet: str, columns) -> _Header:
    lookup = header_lookup(columns)
    best = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched = sum(1 for cell in row if normalise_header(cell) in lookup)
        if matched and (best is None or matched > best[1]):
            best = (index, matched)
    required = [c for c in columns if c.required]
    if best is None:
        non_empty = next((row for row in rows if any(str(c).strip() for c in row)), None)
        if non_empty is None:
            raise ImportFileError(
                _("Sheet “%(sheet)s” is empty: it has no header row and no data.") % {"sheet": sheet}, sheet=sheet
            )
        found = "、".join(str(c).strip() for c in non_empty if str(c).strip())[:200]
        raise ImportFileError(
            _(
                "The header row of “%(sheet)s” was not recognised: expected the template's columns (%(expected)s), "
                "found: %(found)s. Download the template and keep its header row."
            )
            % {"sheet": sheet, "expected": "、".join(c.header for c in required), "found": found},
            sheet=sheet,
            row=1,
        )
    index = best[0]
    positions: dict[str, int] = {}
    extra, duplicates = [], []
    for position, cell in enumerate(rows[index]):
        text = str(cell).strip()
        if not text:
            continue
        column = lookup.get(normalise_header(text))
        if column is None:
            extra.append(text)
        elif column.key in positions:
            duplicates.append(text)
        else:
            positions[column.key] = position
    missing = [c.header for c in required if c.key not in positions]
    if missing:
        raise ImportFileError(
            _("Row %(row)d of “%(sheet)s” lacks the required column(s) %(missing)s.")
            % {"row": index + 1, "sheet": sheet, "missing": "、".join(f"“{m}”" for m in missing)},
            sheet=sheet,
            row=index + 1,
        )
    return _Header(index, positions, extra, duplicates)


def _build_table_from_rows(
    rows, header: _Header, *, headers: list, first_row_number: int, file_format: str, encoding: str, sheet: str
) -> RawTable:
    keys = list(header.positions)
    positions = [header.positions[key] for key in keys]
    width = max(positions) + 1
    values: list[list] = [[] for _ in keys]
    # Each column's repeated texts and numbers are kept once (a county, a year, a figure written on many rows):
    # a file at the row limit holds 8 million cells, and a Python object of each would take about 460 MB.
    kept: list[dict] = [{} for _ in keys]
    numbers: list[int] = []
    limit = max_rows()
    for number, row in enumerate(rows, start=first_row_number):
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        picked = [row[p] for p in positions]
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in picked):
            continue  # blank line, or a row with only ignored columns filled
        for column, seen, cell in zip(values, kept, picked, strict=True):
            kind = type(cell)
            if kind is str or kind is float:  # never a bool: True == 1.0 would share one object
                cell = seen.setdefault(cell, cell)
                if len(seen) > MAX_KEPT_VALUES:
                    seen.clear()  # a column of values all different (credit codes, names): nothing to share
            column.append(cell)
        numbers.append(number)
        if len(numbers) > limit:
            raise ImportFileError(
                _(
                    "“%(sheet)s” has more than %(limit)s data rows, the most one file may carry. Split it into files "
                    "of at most %(limit)s rows."
                )
                % {"sheet": sheet, "limit": _n(limit)},
                sheet=sheet,
                row=number,
            )
    if not numbers:
        message = _("“%(sheet)s” has a header row but no data rows below it.") % {"sheet": sheet}
        raise ImportFileError(message, sheet=sheet, row=header.index + 2)
    columns = {}
    for key in keys:
        columns[key] = pd.Series(values.pop(0), dtype=object)  # each list let go once it is a column
    cells = pd.DataFrame(columns, copy=False)
    del columns
    return RawTable(
        file_format=file_format,
        encoding=encoding,
        sheet=sheet,
        header_row=header.index + 1,
        headers=[str(c) for c in headers],
        columns=header.positions,
        extra_headers=header.extra,
        cells=cells,
        row_numbers=numbers,
        duplicate_headers=header.duplicates,
    )


def _formula_cells(content: bytes, sheet_name: str) -> list[FormulaCell]:
    """Cells holding formulas in the imported sheet; only called when the scan of its XML saw a formula."""
    import openpyxl  # only for the rare workbook with formulas: calamine reads cached values, not formulas

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        found = []
        for row in workbook[sheet_name].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append(FormulaCell(row=cell.row, column=cell.column - 1, formula=str(cell.value)))
                    if len(found) >= MAX_FORMULA_CELLS_REPORTED:
                        return found
        return found
    finally:
        workbook.close()
