"""The data-quality page's figures, and a list of the firms behind one, as xlsx workbooks: in the reader's language,
counts as numbers, shares formatted as percent, every text cell neutralised against formula injection."""

import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.importing.workbooks import neutralise
from quality.selectors import FirmRow, Overview
from scoring.needs import RUNGS


class _Sheet:
    def __init__(self, workbook, formats, name: str, widths: list[int]):
        self.sheet = workbook.add_worksheet(name[:31])
        self.formats = formats
        self.row = 0
        for position, width in enumerate(widths):
            self.sheet.set_column(position, position, width)

    def write_row(self, values, *, header=False, shares=()) -> None:
        for column, value in enumerate(values):
            if value is None:
                self.sheet.write_blank(self.row, column, None)
            elif header:
                self.sheet.write_string(self.row, column, neutralise(str(value)), self.formats["header"])
            elif isinstance(value, str):
                self.sheet.write_string(self.row, column, neutralise(value))
            elif column in shares:
                self.sheet.write_number(self.row, column, value, self.formats["share"])
            else:
                self.sheet.write_number(self.row, column, value)
        self.row += 1


def _workbook(buffer):
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "share": workbook.add_format({"num_format": "0.0%"}),
    }
    return workbook, formats


def _stamp(overview_or_snapshot) -> str:
    snapshot = getattr(overview_or_snapshot, "snapshot", overview_or_snapshot)
    return timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M") if snapshot else "—"


def quality_workbook(overview: Overview) -> io.BytesIO:
    """Three sheets: the needed figures per county and rung, the other checks per county, and each figure's gaps."""
    buffer = io.BytesIO()
    workbook, formats = _workbook(buffer)
    scope = overview.county.name if overview.county else _("Whole city")

    sheet = _Sheet(workbook, formats, _("Needed figures"), [16] + [12, 12, 12] * len(RUNGS))
    sheet.write_row([_("Scope"), scope])
    sheet.write_row([_("Figures computed at"), _stamp(overview)])
    sheet.row += 1
    headers = [_("County")]
    for rung in RUNGS:
        headers += [
            f"{rung.label}: {_('firms counted')}",
            f"{rung.label}: {_('figures complete and fresh')}",
            f"{rung.label}: {_('share complete')}",
        ]
    sheet.write_row(headers, header=True)
    shares = {3 * number + 3 for number in range(len(RUNGS))}
    for row in overview.rows:
        values = [row.county.name if row.county else _("Whole city")]
        for _rung, cell in row.cells:
            values += [cell.firms, cell.complete, cell.share]
        sheet.write_row(values, shares=shares)

    sheet = _Sheet(workbook, formats, _("Other checks"), [16, 16, 16, 18, 18])
    sheet.write_row(
        [_("County"), _("Open conflicts"), _("Firms with open conflicts"), _("Firms on no department's list"),
         _("Closed or moved out, still in a tier")],
        header=True,
    )  # fmt: skip
    for row in overview.rows:
        sheet.write_row(
            [row.county.name if row.county else _("Whole city"), row.conflicts, row.conflict_firms, row.unmatched,
             row.left]
        )  # fmt: skip

    sheet = _Sheet(workbook, formats, _("By figure"), [40, 24, 12, 12, 14, 14, 12])
    sheet.write_row(
        [_("Rung"), _("Figure"), _("Years"), _("Firms counted"), _("Not reported"), _("Out of date"),
         _("Share complete")],
        header=True,
    )  # fmt: skip
    for rung in RUNGS:
        for figure in overview.figures[rung.key]:
            cell = figure.cell
            sheet.write_row(
                [str(rung.label), str(figure.label), figure.years or "—", cell.firms, cell.missing, cell.stale,
                 cell.share],
                shares={6},
            )  # fmt: skip
    workbook.close()
    buffer.seek(0)
    return buffer


def firms_workbook(heading: str, scope: str, rows: list[FirmRow]) -> io.BytesIO:
    """The firms behind one figure: name, credit code, county, tier, and the needed figures missing or out of date."""
    buffer = io.BytesIO()
    workbook, formats = _workbook(buffer)
    sheet = _Sheet(workbook, formats, _("Firms"), [36, 22, 12, 20, 40, 40])
    sheet.write_row([heading])
    sheet.write_row([_("Scope"), scope])
    sheet.row += 1
    sheet.write_row(
        [_("Enterprise"), _("Credit code"), _("County"), _("Tier"), _("Figures missing"), _("Figures out of date")],
        header=True,
    )
    for row in rows:
        firm = row.enterprise
        placement = getattr(firm, "placement", None)
        sheet.write_row(
            [firm.name, firm.credit_code, firm.county.name, str(placement.get_tier_display()) if placement else "—",
             "、".join(row.missing), "、".join(row.stale)]
        )  # fmt: skip
    workbook.close()
    buffer.seek(0)
    return buffer
