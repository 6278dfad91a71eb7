"""The dashboard as an xlsx workbook for meetings: one sheet per panel, in the reader's language, numbers as numbers
(shares formatted as percent, money in yuan), every text cell neutralised against formula injection."""

import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.figures import SCORE_BIN_LABELS, Kind
from dashboards.selectors import Dashboard
from enterprises.importing.workbooks import neutralise
from scoring.models import Tier


class _Sheet:
    def __init__(self, workbook, formats, name: str, headers: list[str], widths: list[int]):
        self.sheet = workbook.add_worksheet(name[:31])
        self.formats = formats
        self.row = 0
        for position, width in enumerate(widths):
            self.sheet.set_column(position, position, width)
        if headers:
            self.write_row(headers, header=True)
            self.sheet.freeze_panes(1, 0)

    def write(self, column: int, value, kind: Kind | None = None) -> None:
        if value is None:
            self.sheet.write_blank(self.row, column, None)
        elif isinstance(value, str):
            self.sheet.write_string(self.row, column, neutralise(value))
        elif kind == Kind.SHARE:
            self.sheet.write_number(self.row, column, float(value), self.formats["share"])
        elif kind == Kind.MONEY:
            self.sheet.write_number(self.row, column, float(value), self.formats["money"])
        else:
            self.sheet.write_number(self.row, column, float(value))

    def write_row(self, values, kinds=None, *, header=False) -> None:
        for column, value in enumerate(values):
            if header:
                self.sheet.write_string(self.row, column, neutralise(str(value)), self.formats["header"])
            else:
                self.write(column, value, kinds[column] if kinds else None)
        self.row += 1


def dashboard_workbook(dashboard: Dashboard) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "share": workbook.add_format({"num_format": "0.0%"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
    }
    scope = dashboard.county.name if dashboard.county else _("Whole city")
    computed = (
        timezone.localtime(dashboard.refresh.computed_at).strftime("%Y-%m-%d %H:%M") if dashboard.refresh else "—"
    )

    sheet = _Sheet(workbook, formats, _("Headline figures"), [], [44, 16, 16, 14, 14, 18, 12])
    sheet.write_row([_("Scope"), scope])
    sheet.write_row([_("Figures computed at"), computed])
    sheet.row += 1
    sheet.write_row([_("Figure"), _("Now"), _("Same time last year"), _("Change"), _("Target"),
                     _("Province average / budget"), _("Of target")], header=True)  # fmt: skip
    for item in dashboard.headline:
        kind = item.figure.kind
        sheet.write_row(
            [str(item.figure.label), item.value, item.year_ago, item.change, item.target, item.benchmark,
             item.progress],
            [None, kind, kind, kind, kind, kind, Kind.SHARE],
        )  # fmt: skip

    figures = dashboard.figures
    headers = [_("County")]
    for figure in figures:
        headers += [str(figure.label), _("Rank"), _("Change since last year")]
    sheet = _Sheet(workbook, formats, _("County comparison"), headers, [14] + [16, 6, 12] * len(figures))
    for row in dashboard.rows:
        values, kinds = [row.county.name], [None]
        for figure in figures:
            values += [row.values[figure.key], row.ranks.get(figure.key), row.changes[figure.key]]
            kinds += [figure.kind, Kind.COUNT, figure.kind]
        sheet.write_row(values, kinds)

    sheet = _Sheet(workbook, formats, _("Trends by year"), [_("Figure"), *dashboard.trend_labels],
                   [44] + [14] * len(dashboard.trend_labels))  # fmt: skip
    for figure in figures:
        values = dashboard.trends.get(figure.key, [])
        sheet.write_row([str(figure.label), *values], [None] + [figure.kind] * len(values))

    sheet = _Sheet(workbook, formats, _("Tier funnel"), [_("Tier"), _("Firms")], [24, 12])
    for tier in Tier:
        sheet.write_row([str(tier.label), dashboard.tiers.get(tier.value, 0)])

    sheet = _Sheet(workbook, formats, _("Movements by month"), [_("Month"), _("Moves up"), _("Moves down")],
                   [12, 12, 12])  # fmt: skip
    for month, up, down in zip(dashboard.months, dashboard.moves_up, dashboard.moves_down, strict=True):
        sheet.write_row([month.strftime("%Y-%m"), up, down])

    tiers = list(dashboard.score_distribution)
    sheet = _Sheet(workbook, formats, _("Score distribution"),
                   [_("Readiness"), *(str(Tier(tier).label) for tier in tiers)], [12] + [20] * len(tiers))  # fmt: skip
    for position, label in enumerate(SCORE_BIN_LABELS):
        sheet.write_row([label, *(dashboard.score_distribution[tier][position] for tier in tiers)])

    kinds = dashboard.voucher_kinds
    sheet = _Sheet(workbook, formats, _("Voucher spend"), [_("County"), *(name for _code, name in kinds), _("Total")],
                   [14] + [18] * (len(kinds) + 1))  # fmt: skip
    for _code, name, amounts in dashboard.voucher_spend:
        values = [amounts.get(code) for code, _name in kinds]
        total = sum(value for value in values if value is not None)
        sheet.write_row([name, *values, total], [None] + [Kind.MONEY] * (len(kinds) + 1))
    if dashboard.voucher_budget is not None:
        sheet.row += 1
        sheet.write_row([_("City budget"), dashboard.voucher_budget], [None, Kind.MONEY])

    workbook.close()
    buffer.seek(0)
    return buffer
