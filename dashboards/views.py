from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.access import AccessKind, record_access
from core.pages import need, page_number, report_form_errors
from dashboards.exports import dashboard_workbook
from dashboards.forms import TargetsForm, YearForm
from dashboards.permissions import may_see_dashboard, may_set_targets
from dashboards.presentation import dashboard_data
from dashboards.selectors import (
    current_refresh,
    dashboard,
    dashboard_counties,
    dashboard_county,
    figure_firms,
    firm_set_get,
    sort_rows,
    targets_for,
    with_firm_details,
)
from dashboards.services import targets_save
from enterprises.importing import workbooks
from enterprises.models import Enterprise, ImportJob
from enterprises.selectors import enterprise_export_frame
from reports.selectors import report_progress

FIRMS_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _county_url(code: str) -> str:
    return reverse("dashboards:county", args=[code])


def _scoped(request, code: str | None):
    """(counties in scope, the county asked for or the user's own, or None for the city); 404 outside the scope."""
    user = request.user
    need(may_see_dashboard(user))
    counties = dashboard_counties(user=user)
    return counties, dashboard_county(user=user, counties=counties, code=code)


def _context(request, code: str | None) -> dict:
    counties, county = _scoped(request, code)
    result = dashboard(user=request.user, county=county, counties=counties)
    rows, ordering = sort_rows(result.rows, request.GET.get("ordering"))
    query = request.GET.copy()
    query.pop("ordering", None)
    return {
        "dashboard": result,
        "county": county,
        "counties": counties,
        "may_switch": len(counties) > 1,
        "rows": rows,
        "ordering": ordering,
        "querystring": query.urlencode(),
        "chart_data": dashboard_data(result, county_url=_county_url),
        "may_set_targets": may_set_targets(request.user),
    }


@login_required
@require_GET
def dashboard_view(request, code=None):
    """The city's dashboard, or one county's (`county/<code>/`; county staff always see their own)."""
    context = _context(request, code or request.GET.get("county"))
    # The yearly report's progress per county (live, from the reports app): one query, two with a window.
    context["report_progress"] = report_progress(
        user=request.user, county_id=context["county"].pk if context["county"] else None
    )
    return render(request, "dashboards/dashboard.html", context)


@login_required
@require_GET
def print_view(request):
    """The same panels laid out for paper (meetings): no navigation, charts drawn as vectors, tables in full."""
    context = _context(request, request.GET.get("county"))
    context["printed_at"] = timezone.localtime()
    return render(request, "dashboards/print.html", context)


@login_required
@require_GET
def export_view(request):
    """The whole dashboard as an xlsx workbook, one sheet per panel."""
    counties, county = _scoped(request, request.GET.get("county"))
    result = dashboard(user=request.user, county=county, counties=counties)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = _("dashboard") + f"-{county.code if county else _('city')}-{stamp}.xlsx"
    content = dashboard_workbook(result)
    record_access(
        request=request,
        kind=AccessKind.EXPORT,
        what=gettext_lazy("Dashboard workbook"),
        filters={gettext_lazy("Scope"): county.name if county else gettext_lazy("Whole city")},
        rows=len(result.rows),
    )
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_GET
def firms_view(request, key):
    """The firms behind a figure, exactly those the newest refresh counted, in the user's scope; `?format=xlsx`
    exports them in the registry's import template."""
    firm_set = firm_set_get(key)
    _counties, county = _scoped(request, request.GET.get("county"))
    refresh = current_refresh()
    queryset = figure_firms(user=request.user, firm_set=firm_set, county=county, refresh=refresh) if refresh else None
    if request.GET.get("format") == "xlsx":
        return _firms_export(request, queryset, firm_set, county)
    page = Paginator(queryset if queryset is not None else [], FIRMS_PAGE_SIZE).get_page(
        page_number(request.GET.get("page"))
    )
    page.object_list = with_firm_details(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/firms.html",
        {
            "firm_set": firm_set,
            "county": county,
            "refresh": refresh,
            "page": page,
            "querystring": query.urlencode(),
            "dashboard_url": _county_url(county.code) if county else reverse("dashboards:dashboard"),
        },
    )


def _firms_export(request, queryset, firm_set, county) -> HttpResponse:
    firms = Enterprise.objects.none()
    if queryset is not None:
        firms = Enterprise.objects.filter(pk__in=queryset.order_by().values("enterprise_id")).order_by("name", "pk")
    rows = enterprise_export_frame(queryset=firms, year="latest")
    lines = workbooks.export_frame(rows)
    record_access(
        request=request,
        kind=AccessKind.EXPORT,
        what=gettext_lazy("Firms behind a dashboard figure"),
        filters={
            gettext_lazy("Figure"): firm_set.label,
            gettext_lazy("Scope"): county.name if county else gettext_lazy("Whole city"),
        },
        rows=len(rows),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{firm_set.label}-{county.name if county else _('city')}-{stamp}.xlsx"
    return FileResponse(
        workbooks.write_xlsx(ImportJob.Kind.ENTERPRISES, lines), as_attachment=True, filename=name, content_type=XLSX
    )


@login_required
@require_http_methods(["GET", "POST"])
def targets_view(request):
    """The city administrator sets a year's targets (default: this year's)."""
    need(may_set_targets(request.user))
    year_form = YearForm(request.GET or None)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else timezone.localdate().year
    targets = targets_for(year)
    if request.method == "POST":
        form = TargetsForm.for_targets(targets, data=request.POST)
        if form.is_valid():
            targets_save(year=year, actor=request.user, **form.values())
            messages.success(request, _("Targets of %(year)s saved.") % {"year": year})
            return redirect(f"{reverse('dashboards:targets')}?year={year}")
        report_form_errors(request, form)
    else:
        form = TargetsForm.for_targets(targets)
    return render(request, "dashboards/targets.html", {"form": form, "year": year, "targets": targets})
