"""Workbooks the import page hands out: the templates, the error report with the bad cells marked, and exports
with the template's headers (so an export can be imported again)."""

import csv
import io
import json
import tempfile
from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import xlsxwriter
from django.utils.translation import gettext as _

from enterprises.importing.columns import CellType, Column
from enterprises.importing.kinds import get_kind
from enterprises.importing.reading import ImportFileError, read_table
from enterprises.models import County, ImportJob

# Spreadsheet programs run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WAN = Decimal(10000)
EXPLANATION_SHEET = "填写说明"


def columns_for(kind: str) -> tuple[Column, ...]:
    return get_kind(kind).columns


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _allowed_values(column: Column) -> str:
    if column.cell_type is CellType.CHOICE:
        return "、".join(column.choice_labels.values())
    if column.cell_type is CellType.COUNTY:
        return "、".join(f"{name} ({code})" for code, name in County.objects.values_list("code", "name"))
    if column.cell_type is CellType.MONEY_WAN:
        return _("A number ≥ 0 in 万元; thousands separators and a 万元 suffix are accepted.")
    if column.cell_type is CellType.COUNT:
        return _("A whole number ≥ 0.")
    if column.cell_type is CellType.YEAR:
        return _("A year, e.g. 2024.")
    if column.cell_type is CellType.DATE:
        return _("A date, e.g. 2015-03-18.")
    return ""


def template_workbook(kind: str) -> bytes:
    columns = columns_for(kind)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True})
    data = workbook.add_worksheet(get_kind(kind).data_sheet)
    for position, column in enumerate(columns):
        data.write(0, position, column.header, required if column.required else bold)
        data.set_column(position, position, max(10, 2 * len(column.header) + 2))
        if column.cell_type is CellType.CHOICE:
            data.data_validation(
                1,
                position,
                100_000,
                position,
                {"validate": "list", "source": list(column.choice_labels.values()), "error_type": "warning"},
            )
        elif column.cell_type is CellType.COUNTY:
            data.data_validation(
                1,
                position,
                100_000,
                position,
                {
                    "validate": "list",
                    "source": list(County.objects.values_list("name", flat=True)),
                    "error_type": "warning",
                },
            )
    data.freeze_panes(1, 0)

    notes = workbook.add_worksheet(EXPLANATION_SHEET)
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    headings = [_("Column"), _("Required"), _("Unit"), _("Explanation"), _("Allowed values"), _("Also accepted as")]
    notes.write_row(0, 0, headings, bold)
    for width, position in zip((22, 8, 8, 50, 50, 40), range(6), strict=True):
        notes.set_column(position, position, width)
    for row, column in enumerate(columns, start=1):
        notes.write_row(
            row,
            0,
            [
                column.header,
                _("yes") if column.required else "",
                column.unit,
                str(column.explanation),
                _allowed_values(column),
                "、".join(column.aliases),
            ],
            wrap,
        )
    notes.write(len(columns) + 2, 0, _("Headers may come in any order; columns not listed here are ignored."))
    for offset, note in enumerate(get_kind(kind).notes, start=3):
        notes.write(len(columns) + offset, 0, str(note))
    workbook.close()
    return buffer.getvalue()


def error_report_workbook(job: ImportJob) -> bytes:
    """The rows with problems as the user wrote them, bad cells filled red (errors) or yellow (warnings) with the
    message as a comment, and a second sheet listing every problem."""
    issues = _issues(job)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    error_cell = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1})
    warning_cell = workbook.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700", "border": 1})

    raw = None
    # A file refused as a whole (too large, a zip bomb, not a spreadsheet) is not read again for its report.
    if not any(issue.get("code") == "file" for issue in issues):
        with job.file.open("rb") as handle:
            try:
                raw = read_table(handle.read(), file_name=job.file_name, columns=columns_for(job.kind))
            except ImportFileError:
                raw = None
    if raw is not None:
        sheet = workbook.add_worksheet(_("Rows with problems")[:31])
        _write_marked_rows(sheet, raw, issues, bold=bold, error_cell=error_cell, warning_cell=warning_cell)

    listing = workbook.add_worksheet(_("All problems")[:31])
    headings = [_("Severity"), _("Sheet"), _("Row"), _("Column"), _("Value"), _("Problem")]
    listing.write_row(0, 0, headings, bold)
    for width, position in zip((8, 16, 8, 20, 24, 80), range(6), strict=True):
        listing.set_column(position, position, width)
    for row, issue in enumerate(issues, start=1):
        listing.write_row(
            row,
            0,
            [
                _("Error") if issue["severity"] == "error" else _("Warning"),
                issue["sheet"],
                issue["row"] or "",
                issue["column"],
                neutralise(issue["value"]),
                issue["message"],
            ],
            error_cell if issue["severity"] == "error" else warning_cell,
        )
    workbook.close()
    return buffer.getvalue()


def _issues(job: ImportJob) -> list[dict]:
    if not job.issues_file:
        return list(job.issues_preview)
    with job.issues_file.open("rb") as handle:
        return json.load(handle)


def _write_marked_rows(sheet, raw, issues, *, bold, error_cell, warning_cell) -> None:
    headers = [h for h in raw.headers]
    sheet.write(0, 0, _("Row in file"), bold)
    for position, header in enumerate(headers, start=1):
        sheet.write(0, position, header, bold)
        sheet.set_column(position, position, max(10, 2 * len(str(header))))
    sheet.freeze_panes(1, 1)
    by_row: dict[int, list[dict]] = {}
    for issue in issues:
        if issue["row"]:
            by_row.setdefault(issue["row"], []).append(issue)
    position_of_row = {number: index for index, number in enumerate(raw.row_numbers)}
    header_position = {str(h).strip(): i for i, h in enumerate(headers)}
    keys = list(raw.columns)
    out_row = 1
    for number in sorted(by_row):
        sheet.write(out_row, 0, number)
        index = position_of_row.get(number)
        if index is not None:
            for key in keys:
                value = raw.cells[key].iat[index]
                sheet.write(out_row, raw.columns[key] + 1, _cell_for_report(value))
        for issue in by_row[number]:
            position = header_position.get(issue["column"])
            if position is None:
                continue
            style = error_cell if issue["severity"] == "error" else warning_cell
            sheet.write(out_row, position + 1, neutralise(issue["value"]), style)
            sheet.write_comment(out_row, position + 1, issue["message"], {"x_scale": 2, "y_scale": 1.5})
        out_row += 1


def _cell_for_report(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_frame(rows: pd.DataFrame, kind: str = ImportJob.Kind.ENTERPRISES) -> list[list]:
    """Template-ordered rows of display values. Money goes from yuan back to 万元, exactly."""
    columns = columns_for(kind)
    out = []
    records = rows.to_dict("records")
    for record in records:
        line = []
        for column in columns:
            value = record.get(column.key)
            line.append(_export_value(column, value))
        out.append(line)
    return out


def _export_value(column: Column, value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    match column.cell_type:
        case CellType.MONEY_WAN:
            return (Decimal(value) / WAN).normalize()
        case CellType.COUNT | CellType.YEAR:
            return int(value)
        case CellType.CHOICE:
            return column.choice_labels.get(value, value)
        case CellType.DATE:
            return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return neutralise(str(value))


def write_xlsx(kind: str, lines: Iterable[list], *, sheet_name: str | None = None):
    """The export as an open temporary file (read position at 0). Rows are flushed as they are written
    (constant_memory), so a 200,000-firm export does not hold its cells in memory."""
    columns = columns_for(kind)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = workbook.add_worksheet(sheet_name or get_kind(kind).data_sheet)
    sheet.write_row(0, 0, [c.header for c in columns], bold)
    for position, column in enumerate(columns):
        sheet.set_column(position, position, max(10, 2 * len(column.header) + 2))
    for row, line in enumerate(lines, start=1):
        for position, value in enumerate(line):
            if isinstance(value, Decimal):
                sheet.write_number(row, position, float(value))
            elif isinstance(value, int):
                sheet.write_number(row, position, value)
            elif value != "":
                sheet.write_string(row, position, value)
    workbook.close()
    target.seek(0)
    return target


def write_csv(kind: str, lines: Iterable[list]) -> Iterable[str]:
    """UTF-8 with a BOM, which Excel needs to show Chinese text in a csv."""
    columns = columns_for(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([c.header for c in columns])
    yield buffer.getvalue()
    for line in lines:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([format(v, "f") if isinstance(v, Decimal) else v for v in line])
        yield buffer.getvalue()
