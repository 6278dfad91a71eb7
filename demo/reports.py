"""The demo's yearly report (`seed_demo`): last year's window, open around the demo's day, and one report of
`firm_hightech` submitted with a correction (for `xinhua` to review) through the real services; `firm_sme` and
the others have not started (their form is pre-filled)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.vouchers import DEMO_PDF
from reports.models import ReportWindow, YearlyReport
from reports.selectors import portal_values
from reports.services import ReportInput, report_save


def clear_reports() -> None:
    """Reports keep their actors and windows their opener (PROTECT): they go before the demo accounts."""
    YearlyReport.objects.all().delete()
    ReportWindow.objects.all().delete()


def seed_reports(*, as_of: datetime.date) -> dict:
    admin = User.objects.filter(username="admin").first()
    firm_user = User.objects.filter(username="firm_hightech").select_related("enterprise").first()
    today = timezone.localdate()
    with transaction.atomic():
        window = ReportWindow.objects.create(
            year=as_of.year - 1,
            opens_on=min(as_of, today) - datetime.timedelta(days=7),
            closes_on=max(as_of, today) + datetime.timedelta(days=23),
            created_by=admin,
        )
    if firm_user is None or firm_user.enterprise is None:
        return {"report_windows": 1, "reports": 0}
    lines = portal_values(enterprise=firm_user.enterprise, year=window.year)
    entered = {line.field: line.portal_text for line in lines}
    reasons, attachments = {}, {}
    revenue = next(line for line in lines if line.field == "revenue")
    if revenue.portal_value is not None:
        entered["revenue"] = format((revenue.portal_value * 105 / 100 / 10000).quantize(1), "f")
        reasons["revenue"] = "年审后的财务报表调增了营业收入"
        # A department's figure is corrected only with a document (the demo's sources may have one there).
        attachments["revenue"] = SimpleUploadedFile("年度审计报告.pdf", DEMO_PDF, content_type="application/pdf")
    report_save(
        window=window,
        data=ReportInput(entered=entered, reasons=reasons, attachments=attachments, confirmed=True),
        submit=True,
        actor=firm_user,
    )
    return {"report_windows": 1, "reports": 1}
