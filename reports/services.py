"""Writes of yearly reports: the city's windows, and the firm's report saved as a draft or submitted. Every value is
checked by the import's own rules (enterprises.importing.validation.validate_year_values): one set of rules for a
file's row and for the form. Moves of a report go through reports.workflows.report_transition."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import AlreadyMoved
from core.parsing import text
from core.uploads import sniff_upload
from enterprises.importing.validation import validate_year_values
from enterprises.models import INDICATOR_YEAR_MIN
from reports.models import ReportEvent, ReportStatus, ReportValue, ReportWindow, YearlyReport
from reports.permissions import may_open_windows, may_report
from reports.selectors import portal_values
from reports.workflows import report_transition

# What an attachment may be (core.uploads.sniff's kinds): PDF, images, Office documents; its stored extension and type.
ATTACHMENT_KINDS = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpeg": ("jpg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "ole": ("doc", "application/msword"),
    "ofd": ("ofd", "application/ofd"),
}


# What a save of the form writes on a value already stored (one bulk update for all of them).
VALUE_COLUMNS = ["portal_value", "portal_date", "portal_source", "portal_as_of", "entered", "value", "value_date",
                 "corrected", "reason", "attachment", "attachment_name", "attachment_type",
                 "attachment_size"]  # fmt: skip


def window_save(*, year: int, opens_on: datetime.date, closes_on: datetime.date, actor, window=None) -> ReportWindow:
    """Open a year's reporting window, or change its days."""
    if not may_open_windows(actor):
        raise PermissionDenied
    latest = timezone.localdate().year
    if not INDICATOR_YEAR_MIN <= int(year) <= latest:
        raise ValidationError(
            {"year": _("The year reported must lie between %(first)d and %(last)d.") % {"first": INDICATOR_YEAR_MIN,
                                                                                         "last": latest}}
        )  # fmt: skip
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The window cannot close before it opens.")})
    row = window or ReportWindow(created_by=actor)
    row.year, row.opens_on, row.closes_on = int(year), opens_on, closes_on
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError({"year": _("The window of %(year)s is already open; change it instead.") % {
            "year": year}}) from None  # fmt: skip
    return row


@dataclass
class ReportInput:
    """What the firm's form posts: each value as typed (amounts in 万元), the reasons and attachments of the
    corrections, and (to submit) that the values it did not correct are right."""

    entered: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, object] = field(default_factory=dict)
    confirmed: bool = False


def reason_key(name: str) -> str:
    return f"{name}__reason"


def attachment_key(name: str) -> str:
    return f"{name}__attachment"


def _attachment_problem(upload) -> tuple[str | None, tuple[str, str] | None]:
    limit = settings.REPORT_ATTACHMENT_MAX_MB
    if upload.size is None or upload.size > limit * 1024 * 1024:
        return _("The file is larger than %(mb)s MB.") % {"mb": limit}, None
    if upload.size == 0:
        return _("The file is empty."), None
    found = sniff_upload(upload)
    if found.kind not in ATTACHMENT_KINDS:
        return (
            _("“%(name)s” is %(what)s; attach a PDF, an image or an Office document.")
            % {"name": text(upload.name, 200), "what": found.label}
        ), None
    return None, ATTACHMENT_KINDS[found.kind]


def window_accepts(window: ReportWindow, report: YearlyReport | None, day: datetime.date) -> bool:
    """The form is open while the window is, and for a report the county returned (until it is submitted again)."""
    return window.is_open_on(day) or (report is not None and report.status == ReportStatus.RETURNED)


def _corrects(line, value) -> bool:
    """The firm reports `value` (checked; None when left empty) where the portal holds another."""
    return value is not None and line.portal_value is not None and value != line.portal_value


def report_save(*, window: ReportWindow, data: ReportInput, submit: bool = False, actor) -> YearlyReport:
    """Save the firm's report of the window's year as a draft, or submit it. Checks every value by the import's
    rules; a correction needs a reason, and a correction of a value from a department's list an attachment (both
    checked on submitting). Raises ValidationError keyed by field (`<field>`, `<field>__reason`,
    `<field>__attachment`, `confirmed`); nothing is saved then."""
    if not may_report(actor):
        raise PermissionDenied
    enterprise = actor.enterprise
    today = timezone.localdate()
    lines = portal_values(enterprise=enterprise, year=window.year)
    entered = {line.field: text(data.entered.get(line.field, ""), 60) for line in lines}
    checked = validate_year_values({k: v for k, v in entered.items() if v}, year=window.year, today=today)
    errors: dict[str, list[str]] = {k: list(v) for k, v in checked.errors.items()}
    existing = YearlyReport.objects.filter(enterprise=enterprise, year=window.year).first()
    saved = {row.field: row for row in existing.values.all()} if existing is not None else {}
    files = {}
    for line in lines:
        name = line.field
        corrected = _corrects(line, checked.values.get(name) if entered[name] else None)
        upload = data.attachments.get(name) if corrected else None
        if upload is not None:
            problem, kind = _attachment_problem(upload)
            if problem:
                errors.setdefault(attachment_key(name), []).append(problem)
            else:
                files[name] = (upload, kind)
        if not submit:
            continue
        if not entered[name]:
            errors.setdefault(name, []).append(_("Fill in this value; write 0 where it is 0."))
        if corrected and not text(data.reasons.get(name, ""), 2000):
            errors.setdefault(reason_key(name), []).append(_("Say why the value differs from the portal's."))
        has_file = name in files or (name in saved and saved[name].corrected and bool(saved[name].attachment))
        if corrected and line.from_department and not has_file:
            errors.setdefault(attachment_key(name), []).append(
                _("This value comes from the statistics department: attach a document proving the correction.")
            )
    if submit and not data.confirmed:
        errors.setdefault("confirmed", []).append(_("Confirm that the values you did not correct are right."))
    if errors:
        raise ValidationError(errors)

    removed = []
    with transaction.atomic():
        report = (
            YearlyReport.objects.select_for_update().filter(enterprise=enterprise, year=window.year).first()
            if existing is not None
            else None
        )
        if report is None:
            if not window.is_open_on(today):
                raise ValidationError(_closed_message(window))
            report = YearlyReport.objects.create(window=window, enterprise=enterprise, year=window.year)
            ReportEvent.objects.create(report=report, to_state=ReportStatus.DRAFT, actor=actor)
        elif not report.is_editable:
            raise AlreadyMoved(thing=_("yearly report"), state=str(ReportStatus(report.status).label))
        elif not window_accepts(window, report, today):
            raise ValidationError(_closed_message(window))
        rows = {row.field: row for row in report.values.all()}
        new_rows, changed_rows = [], []
        for line in lines:
            name = line.field
            value = checked.values.get(name) if entered[name] else None
            row = rows.get(name) or ReportValue(report=report, field=name)
            corrected = _corrects(line, value)
            row.portal_value = None if line.kind == "date" else line.portal_value
            row.portal_date = line.portal_value if line.kind == "date" else None
            row.portal_source = line.source
            row.portal_as_of = line.source_as_of
            row.entered = entered[name]
            row.value = None if line.kind == "date" else value
            row.value_date = value if line.kind == "date" else None
            row.corrected = corrected
            row.reason = text(data.reasons.get(name, ""), 2000) if corrected else ""
            if (not corrected or name in files) and row.attachment:
                removed.append(row.attachment.name)
                row.attachment = ""
                row.attachment_name, row.attachment_type, row.attachment_size = "", "", None
            if name in files:
                upload, (extension, content_type) = files[name]
                row.attachment_name = text(upload.name, 200).rsplit("/", 1)[-1] or f"attachment.{extension}"
                row.attachment_type = content_type
                row.attachment_size = upload.size
                # Stored under a name of our making: the uploaded name never reaches the file system.
                row.attachment.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
            (changed_rows if row.pk else new_rows).append(row)
        ReportValue.objects.bulk_create(new_rows)
        ReportValue.objects.bulk_update(changed_rows, VALUE_COLUMNS)
        report.save(update_fields=["updated_at"])
        if submit:
            report = report_transition(report=report, to=ReportStatus.SUBMITTED, actor=actor)
        if removed:
            storage = ReportValue._meta.get_field("attachment").storage
            transaction.on_commit(lambda: [storage.delete(name) for name in removed])
    return report


def _closed_message(window: ReportWindow) -> str:
    return _("The yearly report of %(year)s can be filled in from %(opens)s to %(closes)s.") % {
        "year": window.year,
        "opens": window.opens_on.isoformat(),
        "closes": window.closes_on.isoformat(),
    }
