from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.access import AccessKind, record_access
from core.pages import page_number
from quality.exports import firms_workbook, quality_workbook
from quality.permissions import may_open_conflicts, may_see_quality
from quality.selectors import (
    CRITERIA,
    criterion_firms,
    criterion_get,
    criterion_heading,
    current_snapshot,
    firm_rows,
    overview,
    quality_counties,
    quality_county,
)
from scoring.needs import RUNGS

FIRMS_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scoped(request):
    """(counties in scope, the county asked for (`?county=`) or a county user's own, or None for the city); 404 for
    a county out of scope."""
    if not may_see_quality(request.user):
        raise PermissionDenied
    counties = quality_counties(user=request.user)
    return counties, quality_county(user=request.user, counties=counties, code=request.GET.get("county"))


def _scope_words(county) -> str:
    return county.name if county else _("Whole city")


@login_required
@require_GET
def overview_view(request):
    """The data-quality figures of one county, or of the city with a row per county."""
    counties, county = _scoped(request)
    result = overview(user=request.user, county=county, counties=counties)
    return render(
        request,
        "quality/overview.html",
        {
            "overview": result,
            "county": county,
            "counties": counties,
            "may_switch": len(counties) > 1,
            "rungs": RUNGS,
            "may_open_conflicts": may_open_conflicts(request.user),
            "conflicts_url": reverse("enterprises:conflicts"),
            "urls": {key: reverse("quality:firms", args=[key]) for key in CRITERIA},
        },
    )


@login_required
@require_GET
def export_view(request):
    """The page's figures as an xlsx workbook."""
    counties, county = _scoped(request)
    result = overview(user=request.user, county=county, counties=counties)
    content = quality_workbook(result)
    record_access(
        request=request,
        kind=AccessKind.EXPORT,
        what=gettext_lazy("Data-quality figures"),
        filters={gettext_lazy("Scope"): county.name if county else gettext_lazy("Whole city")},
        rows=len(result.rows),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{_('data quality')}-{_scope_words(county)}-{stamp}.xlsx"
    return FileResponse(content, as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_GET
def firms_view(request, criterion):
    """The firms behind one figure of the page (`?rung=`, `?field=` where the figure has them), in the user's
    scope; `?format=xlsx` exports them."""
    counties, county = _scoped(request)
    found = criterion_get(criterion, request.GET.get("rung"), request.GET.get("field"))
    snapshot = current_snapshot()
    heading = criterion_heading(found, snapshot)
    firms = criterion_firms(user=request.user, criterion=found, county=county, snapshot=snapshot)
    if request.GET.get("format") == "xlsx":
        rows = firm_rows(firms.iterator(chunk_size=2000), found)
        record_access(
            request=request,
            kind=AccessKind.EXPORT,
            what=gettext_lazy("Firms behind a data-quality figure"),
            filters={
                gettext_lazy("Figure"): heading,
                gettext_lazy("Scope"): county.name if county else gettext_lazy("Whole city"),
            },
            rows=len(rows),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{_('data quality')}-{_scope_words(county)}-{stamp}.xlsx"
        return FileResponse(
            firms_workbook(heading, _scope_words(county), rows), as_attachment=True, filename=name, content_type=XLSX
        )
    page = Paginator(firms, FIRMS_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    page.object_list = firm_rows(page.object_list, found)
    query = request.GET.copy()
    query.pop("page", None)
    back = reverse("quality:overview") + (f"?county={county.code}" if county and len(counties) > 1 else "")
    return render(
        request,
        "quality/firms.html",
        {
            "heading": heading,
            "criterion": found,
            "county": county,
            "snapshot": snapshot,
            "page": page,
            "querystring": query.urlencode(),
            "back_url": back,
        },
    )
