"""The access log as an xlsx workbook, with Chinese headers (the bureau's spreadsheets) and every text cell
neutralised against formula injection."""

import tempfile

import xlsxwriter
from django.utils import timezone

from enterprises.importing.workbooks import neutralise

ACCESS_LOG_SHEET = "访问日志"
ACCESS_LOG_HEADERS = ("时间", "用户", "姓名", "类别", "内容", "对象", "筛选条件", "行数", "来源地址")


def access_log_workbook(events):
    """`events` from audit.selectors.access_log, written as they are read; returns (the open file at position 0,
    the number of rows written). Rows are flushed as written (constant_memory): a long log costs no memory."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = workbook.add_worksheet(ACCESS_LOG_SHEET)
    for position, header in enumerate(ACCESS_LOG_HEADERS):
        sheet.write_string(0, position, header, bold)
    for position, width in enumerate((17, 14, 12, 12, 30, 30, 40, 8, 16)):
        sheet.set_column(position, position, width)
    written = 0
    for written, event in enumerate(events, start=1):
        actor = event.actor
        texts = (
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            actor.username if actor else "",
            actor.get_full_name() if actor else "",
            str(event.get_kind_display()),
            event.what,
            event.subject,
            event.filters_text,
        )
        for position, text in enumerate(texts):
            sheet.write_string(written, position, neutralise(text))
        if event.rows is not None:
            sheet.write_number(written, 7, event.rows)
        sheet.write_string(written, 8, event.client_address or "")
    workbook.close()
    target.seek(0)
    return target, written
