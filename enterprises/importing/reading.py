"""Turn an uploaded file into a table of cells: xlsx via calamine, csv in UTF-8 (with or without BOM), GBK or
GB18030 (detected from the bytes, never asked), and anything else refused with a message that says what it is."""

import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from enterprises.importing.columns import Column, header_lookup, normalise_header

# Statistics extracts often carry a title or a note above the header row.
HEADER_SEARCH_ROWS = 10
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
MAX_FORMULA_CELLS_REPORTED = 200


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


def read_table(content: bytes, *, file_name: str, columns: tuple[Column, ...]) -> RawTable:
    if not content:
        raise ImportFileError(_("The file “%(name)s” is empty (0 bytes).") % {"name": file_name})
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content, file_name=file_name, columns=columns)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "“%(name)s” is an old Excel 97-2003 (.xls) workbook or another OLE file. "
                "Save it as .xlsx and upload it again."
            )
            % {"name": file_name}
        )
    if content.startswith(b"%PDF"):
        raise ImportFileError(_("“%(name)s” is a PDF document, not a spreadsheet.") % {"name": file_name})
    return _read_csv(content, file_name=file_name, columns=columns)


def decode_text(content: bytes, *, file_name: str) -> tuple[str, str]:
    """The text and the encoding it was found in. GB18030 is a superset of GBK (and GB2312)."""
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}.get(encoding, "UTF-16")
    raise ImportFileError(
        _(
            "“%(name)s” is neither an xlsx workbook nor a csv text file in UTF-8, GBK or GB18030. "
            "Upload the template filled in, saved as .xlsx or .csv."
        )
        % {"name": file_name}
    )


def _read_csv(content: bytes, *, file_name: str, columns) -> RawTable:
    text, encoding = decode_text(content, file_name=file_name)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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


def _read_xlsx(content: bytes, *, file_name: str, columns) -> RawTable:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise ImportFileError(
            _("“%(name)s” cannot be opened as an xlsx workbook (%(error)s). Save it again from Excel or WPS as .xlsx.")
            % {"name": file_name, "error": error}
        ) from None
    searched = []
    for sheet_name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except CalamineError as error:
            raise ImportFileError(
                _("Sheet “%(sheet)s” of “%(name)s” cannot be read: %(error)s")
                % {"sheet": sheet_name, "name": file_name, "error": error}
            ) from None
        try:
            header = _locate_header(rows, sheet=sheet_name, columns=columns)
        except ImportFileError as error:
            searched.append(error)
            continue
        table = _build_table(rows, header, file_format="xlsx", encoding="", sheet=sheet_name)
        table.formulas = _formula_cells(content, sheet_name)
        return table
    if len(searched) == 1:
        raise searched[0]
    raise ImportFileError(
        _("No sheet of “%(name)s” has the template's header row (looked in: %(sheets)s).")
        % {"name": file_name, "sheets": "、".join(workbook.sheet_names) or "—"}
    )


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


def _build_table(rows: list[list], header: _Header, *, file_format: str, encoding: str, sheet: str) -> RawTable:
    return _build_table_from_rows(
        iter(rows[header.index + 1 :]),
        header,
        headers=rows[header.index],
        first_row_number=header.index + 2,
        file_format=file_format,
        encoding=encoding,
        sheet=sheet,
    )


def _build_table_from_rows(
    rows, header: _Header, *, headers: list, first_row_number: int, file_format: str, encoding: str, sheet: str
) -> RawTable:
    keys = list(header.positions)
    positions = [header.positions[key] for key in keys]
    width = max(positions) + 1
    values: list[list] = [[] for _ in keys]
    numbers: list[int] = []
    for number, row in enumerate(rows, start=first_row_number):
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        picked = [row[p] for p in positions]
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in picked):
            continue  # blank line, or a row with only ignored columns filled
        for column, cell in zip(values, picked, strict=True):
            column.append(cell)
        numbers.append(number)
    if not numbers:
        message = _("“%(sheet)s” has a header row but no data rows below it.") % {"sheet": sheet}
        raise ImportFileError(message, sheet=sheet, row=header.index + 2)
    cells = pd.DataFrame({key: pd.Series(column, dtype=object) for key, column in zip(keys, values, strict=True)})
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
    """Cells holding formulas in the imported sheet. Checked on the raw XML first: almost no upload has any."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if not any(
            FORMULA_TAG.search(archive.read(name))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        ):
            return []
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
