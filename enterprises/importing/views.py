from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.access import AccessKind, form_filters, record_access
from core.pages import post_action
from enterprises.filters import EnterpriseFilter
from enterprises.importing import services, workbooks
from enterprises.importing.forms import ExportForm, ImportUploadForm
from enterprises.importing.kinds import get_kind, kind_choices
from enterprises.importing.selectors import IMPORT_SHOW_CHOICES, RECENT_FAILURE_DAYS, import_job_get, import_jobs
from enterprises.models import ImportJob
from enterprises.permissions import can_import, imports_for_whole_city
from enterprises.selectors import enterprise_export_frame, enterprise_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR_WORDS = {"latest": gettext_lazy("each firm's latest year"), "all": gettext_lazy("all years")}


def _require_importer(user):
    if not can_import(user):
        raise PermissionDenied


def _xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = _attachment(file_name)
    return response


def _attachment(file_name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(file_name)}"


@login_required
def import_home_view(request):
    _require_importer(request.user)
    kinds = kind_choices(whole_city=imports_for_whole_city(request.user))
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            kind=form.cleaned_data["kind"],
            uploaded_file=form.cleaned_data["file"],
            actor=request.user,
            accept_bad_check_characters=form.cleaned_data["accept_bad_check_characters"],
            as_of=form.cleaned_data["as_of"] or timezone.localdate(),
        )
        return redirect("enterprises:import-detail", pk=job.pk)
    show = request.GET.get("show") if request.GET.get("show") in IMPORT_SHOW_CHOICES else ""
    page = Paginator(import_jobs(user=request.user, show=show or None), 20).get_page(request.GET.get("page"))
    context = {
        "form": form, "page": page, "kinds": kinds, "show": show,
        "failure_days": RECENT_FAILURE_DAYS, "querystring": f"show={show}&" if show else "",
    }  # fmt: skip
    return render(request, "enterprises/import/home.html", context)


@login_required
@require_GET
def import_template_view(request, kind):
    _require_importer(request.user)
    if kind not in dict(kind_choices(whole_city=imports_for_whole_city(request.user))):
        raise Http404
    content = workbooks.template_workbook(kind)
    record_access(
        request=request,
        kind=AccessKind.DOWNLOAD,
        what=gettext_lazy("Import template"),
        filters={gettext_lazy("What the file holds"): ImportJob.Kind(kind).label},
    )
    return _xlsx_response(content, get_kind(kind).template_file_name)


@login_required
def import_detail_view(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    return render(
        request,
        "enterprises/import/detail.html",
        {
            "job": job,
            "progress": services.import_progress(job),
            "events": job.events.select_related("actor"),
            "more_issues": max(0, job.error_count + job.warning_count - len(job.issues_preview)),
        },
    )


@login_required
@require_GET
def import_progress_view(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    response = render(
        request, "enterprises/import/_progress.html", {"job": job, "progress": services.import_progress(job)}
    )
    if not job.is_running:
        response["HX-Refresh"] = "true"  # the finished page shows counts and issues
    return response


@login_required
@require_POST
def import_commit_view(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    _require_importer(request.user)
    return post_action(
        request,
        lambda: services.import_job_request_commit(job=job, actor=request.user),
        success=None,
        then=reverse("enterprises:import-detail", args=[job.pk]),
    )


@login_required
@require_POST
def import_cancel_view(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    _require_importer(request.user)
    return post_action(
        request,
        lambda: services.import_job_cancel(job=job, actor=request.user),
        success=lambda cancelled: (
            _("The import was cancelled; nothing was written.")
            if cancelled.status == ImportJob.Status.CANCELLED
            else _("The commit is being written: it stops at the end of the write and changes nothing.")
        ),
        level=messages.INFO,
        then=reverse("enterprises:import-detail", args=[job.pk]),
    )


@login_required
@require_POST
def import_retry_view(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    _require_importer(request.user)
    return post_action(
        request,
        lambda: services.import_job_retry(job=job, actor=request.user),
        success=None,
        then=reverse("enterprises:import-detail", args=[job.pk]),
    )


@login_required
@require_GET
def import_report_view(request, pk):
    job = import_job_get(user=request.user, pk=pk)
    if not (job.error_count or job.warning_count):
        raise Http404
    stem = job.file_name.rsplit(".", 1)[0]
    content = workbooks.error_report_workbook(job)
    record_access(
        request=request,
        kind=AccessKind.DOWNLOAD,
        what=gettext_lazy("Import problem report"),
        subject=job.file_name,
        rows=job.error_count + job.warning_count,
    )
    return _xlsx_response(content, f"{stem}-问题报告.xlsx")


def export_response(*, request, params) -> HttpResponse:
    """The registry as filtered on the list page, in the template's format. Shared by the page and the API."""
    form = ExportForm(params)
    if not form.is_valid():
        return HttpResponse(" ".join(" ".join(e) for e in form.errors.values()), status=400)
    filterset = EnterpriseFilter(params, queryset=enterprise_list(user=request.user), request=request)
    if not filterset.is_valid():
        return HttpResponse(" ".join(" ".join(e) for e in filterset.errors.values()), status=400)
    rows = enterprise_export_frame(queryset=filterset.qs, year=form.cleaned_data["year"])
    lines = workbooks.export_frame(rows)
    year = form.cleaned_data["year"]
    record_access(
        request=request,
        kind=AccessKind.EXPORT,
        what=gettext_lazy("Enterprise registry"),
        filters=[
            *form_filters(filterset.form),
            (gettext_lazy("Year"), YEAR_WORDS.get(year, year)),
            (gettext_lazy("File format"), form.cleaned_data["file_format"]),
        ],
        rows=len(rows),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if form.cleaned_data["file_format"] == "csv":
        response = StreamingHttpResponse(
            workbooks.write_csv(ImportJob.Kind.ENTERPRISES, lines), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = _attachment(f"企业名录-{stamp}.csv")
        return response
    return FileResponse(
        workbooks.write_xlsx(ImportJob.Kind.ENTERPRISES, lines),
        as_attachment=True,
        filename=f"企业名录-{stamp}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_GET
def export_view(request):
    return export_response(request=request, params=request.GET)
