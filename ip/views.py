from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.access import AccessKind, record_access
from enterprises.importing import workbooks
from ip import selectors, services
from ip.forms import PatentForm
from ip.models import IpKind, Patent
from ip.permissions import can_edit_patents

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _xlsx(request, patents, file_name: str, *, what, filters=None, subject=None) -> FileResponse:
    rows = selectors.export_frame(patents)
    lines = workbooks.export_frame(rows, kind="patents")
    record_access(request=request, kind=AccessKind.EXPORT, what=what, filters=filters, rows=len(rows), subject=subject)
    return FileResponse(
        workbooks.write_xlsx("patents", lines), as_attachment=True, filename=file_name, content_type=XLSX
    )


@login_required
@require_GET
def firm_view(request, credit_code):
    firm = selectors.firm_get(user=request.user, credit_code=credit_code.upper())
    patents = selectors.firm_register(firm)
    if request.GET.get("format") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d")
        return _xlsx(
            request,
            selectors.patent_list(user=request.user).filter(enterprise=firm),
            f"知识产权台账-{firm.credit_code}-{stamp}.xlsx",
            what=gettext_lazy("A firm's patent register"),
            subject=f"{firm.name}（{firm.credit_code}）",
        )
    for patent in patents:
        patent.reasons = selectors.reasons_of(patent)
    return render(
        request,
        "ip/firm.html",
        {
            "firm": firm,
            "patents": patents,
            "summary": selectors.firm_summary(firm, patents),
            "chart": selectors.events_by_year(patents),
            "can_edit": can_edit_patents(request.user, firm),
        },
    )


def _edit(request, *, firm, patent: Patent | None):
    if not can_edit_patents(request.user, firm):
        raise PermissionDenied
    instance = patent or Patent(enterprise=firm)
    form = PatentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.patent_save(enterprise=firm, values=values, actor=request.user, patent=patent)
        messages.success(request, _("The register was saved and the patent evaluated again."))
        return redirect("ip:firm", credit_code=firm.credit_code)
    return render(request, "ip/edit.html", {"firm": firm, "form": form, "patent": patent})


@login_required
@require_http_methods(["GET", "POST"])
def patent_create_view(request, credit_code):
    firm = selectors.firm_get(user=request.user, credit_code=credit_code.upper())
    return _edit(request, firm=firm, patent=None)


@login_required
@require_http_methods(["GET", "POST"])
def patent_edit_view(request, pk):
    patent = selectors.patent_get(user=request.user, pk=pk)
    return _edit(request, firm=patent.enterprise, patent=patent)


@login_required
@require_GET
def overview_view(request):
    return render(request, "ip/overview.html", {"overview": selectors.county_overview(user=request.user)})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def strongest_view(request):
    county = _int(request.GET.get("county"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in IpKind.values else ""
    high_value_only = request.GET.get("high_value") == "1"
    patents = selectors.strongest_patents(user=request.user, county=county, kind=kind, high_value_only=high_value_only)
    if request.GET.get("format") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        names = dict(selectors.counties_in_scope(user=request.user).values_list("pk", "name"))
        return _xlsx(
            request,
            patents,
            f"高价值专利-{stamp}.xlsx",
            what=gettext_lazy("Strongest patents"),
            filters={
                gettext_lazy("County"): names.get(county, ""),
                gettext_lazy("Kind"): IpKind(kind).label if kind else "",
                gettext_lazy("High-value patents only"): high_value_only or "",
            },
        )
    page = Paginator(patents, PAGE_SIZE).get_page(request.GET.get("page"))
    for patent in page.object_list:
        patent.reasons = selectors.reasons_of(patent)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ip/strongest.html",
        {
            "page": page,
            "counties": selectors.counties_in_scope(user=request.user),
            "kinds": IpKind.choices,
            "county": county,
            "kind": kind,
            "high_value_only": high_value_only,
            "querystring": query.urlencode(),
        },
    )
