"""The yearly report's reminder kinds (notifications.reminders), registered in ReportsConfig.ready: its window
opening and closing (looked for every morning, to the firms with an account that have not submitted the year's
report), and a returned report (sent by reports.workflows.report_transition). Each occurrence is sent once (its
key: the year and the moment)."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User
from enterprises.models import Enterprise, RegistrationStatus
from notifications.reminders import Occurrence, ReminderKind
from reports.models import ReportStatus, ReportWindow, YearlyReport
from reports.workflows import RETURNED_KIND


def _firms_not_submitted(year: int) -> list[int]:
    """Active firms with an active account whose report of `year` is not submitted (none, a draft, returned)."""
    submitted = YearlyReport.objects.filter(
        enterprise_id=OuterRef("pk"), year=year, status__in=(ReportStatus.SUBMITTED, ReportStatus.CONFIRMED)
    )
    accounts = User.objects.filter(enterprise_id=OuterRef("pk"), is_active=True)
    return list(
        Enterprise.objects.filter(registration_status=RegistrationStatus.ACTIVE)
        .filter(Exists(accounts))
        .exclude(Exists(submitted))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _windows(on: datetime.date):
    return ReportWindow.objects.filter(opens_on__lte=on, closes_on__gte=on).order_by("year")


def window_opening(on: datetime.date) -> list[Occurrence]:
    """While a window is open: each firm that has not submitted, once."""
    found = []
    for window in _windows(on):
        found.extend(
            Occurrence(
                key=f"{window.year}:open",
                text=gettext_noop(
                    "The yearly report of %(year)s is open until %(date)s: check and confirm your figures."
                ),
                params={"year": window.year, "date": window.closes_on.isoformat()},
                link=reverse("reports:mine"),
                enterprise_id=firm,
            )
            for firm in _firms_not_submitted(window.year)
        )
    return found


def window_closing(on: datetime.date) -> list[Occurrence]:
    """In a window's last REPORT_CLOSING_DAYS days: each firm that has not submitted yet, once."""
    found = []
    for window in _windows(on):
        if on < window.closes_on - datetime.timedelta(days=settings.REPORT_CLOSING_DAYS):
            continue
        found.extend(
            Occurrence(
                key=f"{window.year}:closing",
                text=gettext_noop(
                    "The yearly report of %(year)s closes on %(date)s and your firm has not submitted it yet."
                ),
                params={"year": window.year, "date": window.closes_on.isoformat()},
                link=reverse("reports:mine"),
                enterprise_id=firm,
            )
            for firm in _firms_not_submitted(window.year)
        )
    return found


REPORT_WINDOW_OPENING = ReminderKind(key="report_window_opening", label=_("Yearly report open"), finder=window_opening)
REPORT_WINDOW_CLOSING = ReminderKind(
    key="report_window_closing", label=_("Yearly report closing soon"), finder=window_closing
)
REPORT_RETURNED = ReminderKind(key=RETURNED_KIND, label=_("Yearly report returned"))

REPORT_REMINDER_KINDS = (REPORT_WINDOW_OPENING, REPORT_WINDOW_CLOSING, REPORT_RETURNED)
