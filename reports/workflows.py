"""The yearly report's workflow: its table of allowed moves and the party that takes each, and the one function
that moves reports. Confirming records every value of the report as the firm's confirmed report
(enterprises.provenance.source_values_record), in the same transaction; the night's reconciliation then sets the
effective figures by their precedence."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.exceptions import check_move
from enterprises.models import FIRM_SOURCE_FIELDS, SourceKind
from enterprises.provenance import source_values_record
from notifications.services import NotificationDraft, notifications_create
from reports.models import ReportEvent, ReportStatus, YearlyReport
from reports.permissions import COUNTY, FIRM, parties_of

# The only allowed moves, from each status, and the party that takes each (reports.permissions.parties_of).
REPORT_TRANSITIONS: dict[str, dict[str, str]] = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED: FIRM},
    ReportStatus.SUBMITTED: {ReportStatus.CONFIRMED: COUNTY, ReportStatus.RETURNED: COUNTY},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED: FIRM},
    ReportStatus.CONFIRMED: {},
}
COMMENT_REQUIRED = frozenset({ReportStatus.RETURNED})
# The reminder kind (reports.reminders) the firm's notification of a return carries: it also goes by e-mail and SMS.
RETURNED_KIND = "report_returned"


def allowed_moves(user, report) -> list[str]:
    parties = parties_of(user, report)
    return [status for status, party in REPORT_TRANSITIONS.get(report.status, {}).items() if party in parties]


def report_document(report: YearlyReport) -> str:
    """The words naming the report on each value it gives the registry (stored data, in Chinese like the lists)."""
    return f"{report.year}年度企业年报（编号 {report.pk}）"


def report_transition(*, report: YearlyReport, to: str, actor, comment: str = "") -> YearlyReport:
    """Move a report (from a scoped selector) to `to`, writing its event in the same transaction. Lost races raise
    AlreadyMoved; a move not in the table a ValidationError; someone else's move PermissionDenied."""
    comment = (comment or "").strip()
    if to in COMMENT_REQUIRED and not comment:
        raise ValidationError({"comment": _("Say what the firm should change.")})
    with transaction.atomic():
        locked = YearlyReport.objects.select_for_update().select_related("enterprise").get(pk=report.pk)
        parties = parties_of(actor, locked)
        check_move(
            table=REPORT_TRANSITIONS,
            current=locked.status,
            to=to,
            may=lambda party: party in parties,
            thing=_("yearly report"),
            state=str(ReportStatus(locked.status).label),
            not_allowed=lambda: ValidationError(_("A report cannot move from here to there.")),
        )
        from_status = locked.status
        now = timezone.now()
        locked.status = to
        if to == ReportStatus.SUBMITTED:
            locked.submitted_at = now
        elif to == ReportStatus.RETURNED:
            locked.return_comment = comment
        elif to == ReportStatus.CONFIRMED:
            locked.confirmed_at = now
            locked.confirmed_by = actor
            _record_values(locked, actor=actor, day=timezone.localdate(now))
        locked.save()
        ReportEvent.objects.create(report=locked, from_state=from_status, to_state=to, actor=actor, note=comment)
        if to == ReportStatus.RETURNED:
            notifications_create(
                drafts=[
                    NotificationDraft(
                        kind=RETURNED_KIND,
                        text=gettext_noop("Your yearly report of %(year)s was returned for changes: %(comment)s"),
                        params={"year": locked.year, "comment": comment},
                        link=reverse("reports:mine"),
                        enterprise_id=locked.enterprise_id,
                    )
                ]
            )
    return locked


def _record_values(report: YearlyReport, *, actor, day) -> None:
    """Every value of the report, as the firm's confirmed report of the day."""
    values = {}
    for row in report.values.all():
        values[row.field] = row.value_date if row.field in FIRM_SOURCE_FIELDS else row.value
    source_name = f"{report.enterprise.name} {report.year}年度企业年报"
    source_values_record(
        enterprise=report.enterprise,
        values=values,
        year=report.year,
        source_kind=SourceKind.SELF_REPORT,
        source_name=source_name[:200],
        document=report_document(report),
        as_of=day,
        actor=actor,
    )
