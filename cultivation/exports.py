"""The key cultivation list (重点培育) as an xlsx workbook, with Chinese headers and every text cell neutralised
against formula injection."""

import io

import xlsxwriter

from enterprises.importing.workbooks import neutralise

KEY_LIST_SHEET = "重点培育名单"
KEY_LIST_HEADERS = (
    "县（市、区）", "梯队", "排名", "统一社会信用代码", "企业名称", "培育准备度",
    "科技型中小企业评价得分", "创新能力估计分", "高企条件满足数",
)  # fmt: skip
# Official names of the tiers (data for the bureau's spreadsheets, like the headers).
TIER_NAMES = {"outside": "库外", "t1": "T1 微成长", "t2": "T2 小升高", "t3": "T3 高变强"}


def key_list_workbook(rows) -> bytes:
    """`rows` (placements) from cultivation.selectors.key_list."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = workbook.add_worksheet(KEY_LIST_SHEET)
    for position, header in enumerate(KEY_LIST_HEADERS):
        sheet.write_string(0, position, header, bold)
    for position, width in enumerate((14, 12, 6, 22, 36, 12, 12, 12, 12)):
        sheet.set_column(position, position, width)
    for row, placement in enumerate(rows, start=1):
        texts = (placement.county.name, TIER_NAMES.get(placement.tier, placement.tier))
        for position, text in enumerate(texts):
            sheet.write_string(row, position, neutralise(str(text)))
        sheet.write_number(row, 2, placement.key_rank)
        sheet.write_string(row, 3, neutralise(placement.enterprise.credit_code))
        sheet.write_string(row, 4, neutralise(placement.enterprise.name))
        sheet.write_number(row, 5, round(placement.readiness, 1))
        portrait = placement.portrait
        if portrait is not None:
            sheet.write_number(row, 6, portrait.sme_score)
            sheet.write_number(row, 7, round(portrait.capability_estimate, 1))
            sheet.write_number(row, 8, portrait.conditions_met)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
