from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import can_edit_enterprise, scope_counties
from core.pages import form_action, page_number
from enterprises.access import record_contact_view
from enterprises.filters import EnterpriseFilter
from enterprises.forms import ConflictResolveForm, EnterpriseContactForm
from enterprises.models import County
from enterprises.permissions import can_resolve_conflicts
from enterprises.provenance import conflict_resolve
from enterprises.selectors import (
    conflict_get,
    conflict_list,
    enterprise_get,
    enterprise_list,
    export_years,
    figure_histories,
    figure_sources,
    indicator_table,
)
from enterprises.services import enterprise_update_contact


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("page_size", ""))
    except ValueError:
        return settings.LIST_PAGE_SIZES[0]
    return size if size in settings.LIST_PAGE_SIZES else settings.LIST_PAGE_SIZES[0]


@login_required
def enterprise_list_view(request):
    filterset = EnterpriseFilter(request.GET or None, queryset=enterprise_list(user=request.user), request=request)
    paginator = Paginator(filterset.qs, _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/list.html",
        {
            "filter": filterset,
            "page": page,
            "page_sizes": settings.LIST_PAGE_SIZES,
            "page_size": paginator.per_page,
            "querystring": query.urlencode(),
            "export_params": [(k, v) for k, v in query.items() if k not in ("page_size", "year", "file_format") and v],
            "export_years": export_years(),
        },
    )


@login_required
def enterprise_detail_view(request, credit_code):
    enterprise = enterprise_get(user=request.user, credit_code=credit_code)
    record_contact_view(request=request, enterprise=enterprise, where="page")
    sources = figure_sources(user=request.user, enterprise=enterprise)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "indicators": indicator_table(enterprise, sources),
            "founded_source": sources.get(("founded_on", None)),
            "histories": figure_histories(sources),
            "figure_sources": sources,  # the portrait panel's source tags (scoring.templatetags) read them too
            "can_edit": can_edit_enterprise(request.user, enterprise),
        },
    )


@login_required
def conflict_list_view(request):
    """The conflicts between sources of the firms the staff member works on (county staff: their county's)."""
    if not can_resolve_conflicts(request.user):
        raise PermissionDenied
    code = request.GET.get("county")
    county = scope_counties(County.objects.all(), user=request.user).filter(code=code).first() if code else None
    paginator = Paginator(conflict_list(user=request.user, county_code=county.code if county else None), 50)
    page = paginator.get_page(page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/conflicts.html",
        {"page": page, "form": ConflictResolveForm(), "county": county, "querystring": query.urlencode()},
    )


@login_required
@require_POST
def conflict_resolve_view(request, pk):
    conflict = conflict_get(user=request.user, pk=pk)
    return form_action(
        request,
        ConflictResolveForm(request.POST),
        lambda data: conflict_resolve(conflict=conflict, reason=data["reason"], actor=request.user),
        success=_("Conflict resolved."),
        then=reverse("enterprises:conflicts"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit_view(request, credit_code):
    enterprise = enterprise_get(user=request.user, credit_code=credit_code)
    if not can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    form = EnterpriseContactForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        enterprise_update_contact(
            enterprise=enterprise, actor=request.user, data={f: form.cleaned_data[f] for f in form.fields}
        )
        messages.success(request, _("Contact details saved."))
        return redirect("enterprises:detail", credit_code=enterprise.credit_code)
    if request.method == "GET":
        record_contact_view(request=request, enterprise=enterprise, where="edit")
    return render(request, "enterprises/edit.html", {"enterprise": enterprise, "form": form})
