"""The yearly report's pages: the firm's form (mobile first), the county's review list and review page, the city's
windows, and the download of an attachment. They parse input and call the selectors and services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.pages import form_action, need, page_number, post_action, stored_file_download
from reports.forms import ReturnForm, ReviewFilterForm, WindowForm
from reports.models import ReportStatus
from reports.permissions import may_open_windows, may_read_reports, may_report
from reports.selectors import (
    REVIEW_PAGE_SIZE,
    report_get,
    report_lines,
    report_list,
    report_of_firm,
    review_lines,
    value_get,
    window_current,
    window_list,
)
from reports.services import ReportInput, attachment_key, reason_key, report_save, window_accepts, window_save
from reports.workflows import allowed_moves, report_transition


def _report_input(request, lines) -> ReportInput:
    return ReportInput(
        entered={line.field: request.POST.get(line.field, "") for line in lines},
        reasons={line.field: request.POST.get(reason_key(line.field), "") for line in lines},
        attachments={
            line.field: request.FILES[attachment_key(line.field)]
            for line in lines
            if attachment_key(line.field) in request.FILES
        },
        confirmed=request.POST.get("confirmed") == "on",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mine_view(request):
    """The firm's report of the current window: a form while the window is open (or the county returned it), the
    report as submitted otherwise."""
    need(may_report(request.user))
    today = timezone.localdate()
    window = window_current(today)
    if window is None:
        return render(request, "reports/mine.html", {"window": None})
    report = report_of_firm(user=request.user, window=window)
    enterprise = request.user.enterprise
    is_open = window_accepts(window, report, today)
    editable = is_open and (report is None or report.is_editable)
    lines = report_lines(report=report, enterprise=enterprise, year=window.year)
    errors = {}
    confirmed = False
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The yearly report cannot be changed now."))
            return redirect("reports:mine")
        data = _report_input(request, lines)
        submit = request.POST.get("action") == "submit"
        try:
            report = report_save(window=window, data=data, submit=submit, actor=request.user)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            confirmed = data.confirmed
            for line in lines:
                line.entered = data.entered.get(line.field, "")
                line.errors = errors.get(line.field, [])
                line.reason_errors = errors.get(reason_key(line.field), [])
                line.attachment_errors = errors.get(attachment_key(line.field), [])
                line.reason_text = data.reasons.get(line.field, "")
        else:
            messages.success(
                request,
                _("Your report was submitted to the county.") if submit else _("Draft saved: submit it when ready."),
            )
            return redirect("reports:mine")
    context = {
        "window": window,
        "report": report,
        "lines": lines,
        "is_open": is_open,
        "editable": editable,
        "errors": errors,
        "general_errors": errors.get("__all__", []) + errors.get("confirmed", []),
        "confirmed": confirmed,
        "error_count": sum(len(v) for v in errors.values()),
        "events": list(report.events.select_related("actor").order_by("at", "id")) if report is not None else [],
        "max_mb": settings.REPORT_ATTACHMENT_MAX_MB,
    }
    return render(request, "reports/mine.html", context, status=400 if errors else 200)


@login_required
@require_safe
def review_list_view(request):
    """County staff: their county's reports of a year, by status (the submitted ones first); city staff read every
    county's."""
    need(may_read_reports(request.user))
    form = ReviewFilterForm(request.GET or None)
    status, year = "", None
    if form.is_bound and form.is_valid():
        status, year = form.cleaned_data["status"], form.cleaned_data["year"]
    window = window_current()
    year = year or (window.year if window else timezone.localdate().year - 1)
    reports = report_list(user=request.user, year=year, status=status)
    page = Paginator(reports, REVIEW_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "reports/review_list.html",
        {"form": form, "page": page, "year": year, "status": status, "window": window},
    )


@login_required
@require_safe
def review_view(request, pk):
    """One report: the portal's value, its source, the reported value, the reason and attachment, side by side."""
    report = report_get(user=request.user, pk=pk)
    if may_report(request.user):
        return redirect("reports:mine")  # the scope let through the firm's own report only
    if not may_read_reports(request.user):
        raise Http404("No such report")
    lines = review_lines(report=report)
    moves = allowed_moves(request.user, report)
    return render(
        request,
        "reports/review.html",
        {
            "report": report,
            "lines": lines,
            "may_confirm": ReportStatus.CONFIRMED in moves,
            "may_return": ReportStatus.RETURNED in moves,
            "return_form": ReturnForm(),
            "events": list(report.events.select_related("actor").order_by("at", "id")),
            "corrections": sum(1 for line in lines if line.reported and line.reported.corrected),
        },
    )


@login_required
@require_POST
def confirm_view(request, pk):
    report = report_get(user=request.user, pk=pk)
    return post_action(
        request,
        lambda: report_transition(report=report, to=ReportStatus.CONFIRMED, actor=request.user),
        success=_("Report confirmed: its values enter the registry as the firm's confirmed report."),
        then=reverse("reports:review", args=[report.pk]),
    )


@login_required
@require_POST
def return_view(request, pk):
    report = report_get(user=request.user, pk=pk)
    return form_action(
        request,
        ReturnForm(request.POST),
        lambda data: report_transition(
            report=report, to=ReportStatus.RETURNED, actor=request.user, comment=data["comment"]
        ),
        success=_("Report returned to the firm."),
        then=reverse("reports:review", args=[report.pk]),
    )


@login_required
@require_safe
def attachment_view(request, pk):
    """A correction's attachment, to the firm and the staff who see its report (404 for anyone else)."""
    value = value_get(user=request.user, pk=pk)
    return stored_file_download(
        request,
        value.attachment,
        content_type=value.attachment_type,
        filename=value.attachment_name,
        what=gettext_lazy("A yearly report's attachment"),
        subject=f"{value.report} · {value.attachment_name}",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def windows_view(request):
    """City staff: the reporting windows, and a form opening the next one."""
    need(may_open_windows(request.user))
    if request.method == "POST":
        return form_action(
            request,
            WindowForm(request.POST),
            lambda data: window_save(actor=request.user, **data),
            success=lambda window: (
                _("The window of %(year)s runs from %(opens)s to %(closes)s.")
                % {"year": window.year, "opens": window.opens_on.isoformat(), "closes": window.closes_on.isoformat()}
            ),
            then=reverse("reports:windows"),
        )
    today = timezone.localdate()
    form = WindowForm(initial={"year": today.year - 1})
    return render(request, "reports/windows.html", {"form": form, "windows": window_list(), "today": today})
