from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import scope_counties, scope_to_user
from core.pages import form_action, page_number, post_action, report_errors
from cultivation.permissions import can_edit_plan
from cultivation.selectors import plan_gaps
from enterprises.models import County, Enterprise
from officers import demands as demand_module
from officers import workflows
from officers.forms import (
    AssignForm,
    AutoAssignForm,
    DeactivateForm,
    DemandForm,
    OfficerProfileForm,
    ServiceLogForm,
    UnassignForm,
)
from officers.models import (
    OPEN_DEMAND_STATUSES,
    DemandCategory,
    DemandStatus,
    DemandUrgency,
)
from officers.permissions import (
    can_assign,
    can_file_demand,
    can_manage_officer,
    files_for_own_firm,
    may_log_service,
    may_manage_officers,
    may_see_coverage,
    may_see_officer_list,
)
from officers.presentation import REASON_TEXTS
from officers.selectors import (
    assignable_officers,
    assignment_list,
    assignment_run_get,
    assignment_run_list,
    coverage_by_county,
    coverage_by_officer,
    firm_get,
    my_firms,
    officer_get,
    officer_list,
    officer_of_user,
    overdue_firms,
    service_log_list,
    settings_in_force,
)
from officers.services import (
    assign_officer,
    auto_assign_request,
    officer_activate,
    officer_deactivate,
    officer_update,
    service_log_create,
    unassign_officer,
)

PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------------------------
# Officers and auto-assign


@login_required
@require_GET
def officers_view(request):
    """Officers in scope with their load; the auto-assign action and its latest runs (4 queries)."""
    if not may_see_officer_list(request.user):
        raise PermissionDenied
    counties = list(scope_counties(County.objects.all(), user=request.user).order_by("code"))
    county = request.GET.get("county") or ""
    if county and county not in {c.code for c in counties}:
        raise Http404("No such county")
    officers = list(officer_list(user=request.user, county=county or None))
    context = {
        "officers": officers,
        "counties": counties,
        "county": county,
        "runs": list(assignment_run_list(user=request.user)[:5]),
        "form": AutoAssignForm(),
        "may_manage": may_manage_officers(request.user),
        "totals": {
            "active": sum(1 for o in officers if o.active),
            "load": sum(o.load for o in officers),
            "capacity": sum(o.max_load for o in officers if o.active),
        },
    }
    return render(request, "officers/officers.html", context)


@login_required
@require_POST
def auto_assign_view(request):
    if not may_manage_officers(request.user):
        raise PermissionDenied
    form = AutoAssignForm(request.POST)
    form.is_valid()
    run = auto_assign_request(actor=request.user, include_key_list=form.cleaned_data.get("include_key_list", False))
    return redirect("officers:run", pk=run.pk)


@login_required
@require_GET
def run_view(request, pk):
    """An auto-assign run's report; while it works, the page polls itself (htmx)."""
    run = assignment_run_get(user=request.user, pk=pk)
    context = {"run": run, "reason_texts": REASON_TEXTS}
    if request.headers.get("HX-Request"):
        return render(request, "officers/_run_report.html", context)
    return render(request, "officers/run.html", context)


@login_required
@require_GET
def officer_view(request, pk):
    officer = officer_get(user=request.user, pk=pk)
    manage = can_manage_officer(request.user, officer)
    counties = scope_counties(County.objects.all(), user=request.user).order_by("code")
    form = OfficerProfileForm(
        counties=counties,
        initial={"level": officer.level, "county": officer.county_id, "expertise": officer.expertise,
                 "max_load": officer.max_load},
    )  # fmt: skip
    days = settings_in_force().no_service_days
    context = {
        "officer": officer,
        "firms": my_firms(user=request.user, officer=officer, days=days),
        "manage": manage,
        "form": form,
        "deactivate_form": DeactivateForm(),
        "no_service_days": days,
    }
    return render(request, "officers/officer.html", context)


@login_required
@require_POST
def officer_update_view(request, pk):
    officer = officer_get(user=request.user, pk=pk)
    if not can_manage_officer(request.user, officer):
        raise PermissionDenied
    counties = scope_counties(County.objects.all(), user=request.user)
    return form_action(
        request,
        OfficerProfileForm(request.POST, counties=counties),
        lambda data: officer_update(officer=officer, actor=request.user, **data),
        success=_("Officer updated."),
        then=reverse("officers:officer", args=[officer.pk]),
    )


@login_required
@require_POST
def officer_active_view(request, pk):
    """Deactivate (ending the officer's assignments, optionally re-assigning the firms) or activate again."""
    officer = officer_get(user=request.user, pk=pk)
    if not can_manage_officer(request.user, officer):
        raise PermissionDenied
    if request.POST.get("action") == "activate":
        officer_activate(officer=officer, actor=request.user)
        messages.success(request, _("Officer active again."))
        return redirect("officers:officer", pk=officer.pk)
    officer_page = reverse("officers:officer", args=[officer.pk])
    return form_action(
        request,
        DeactivateForm(request.POST),
        lambda data: officer_deactivate(officer=officer, actor=request.user, **data),
        success=_("Officer deactivated; their assignments ended."),
        # With the firms re-assigned at once, the auto-assign run's report follows.
        then=lambda run: reverse("officers:run", args=[run.pk]) if run is not None else officer_page,
        failed=officer_page,
    )


# ---------------------------------------------------------------------------------------------------------------
# An officer's firms, a firm's officer and services


@login_required
@require_GET
def my_firms_view(request):
    officer = officer_of_user(request.user)
    if officer is None:
        raise Http404("No officer profile")
    days = settings_in_force().no_service_days
    context = {"officer": officer, "firms": my_firms(user=request.user, days=days), "no_service_days": days}
    return render(request, "officers/my_firms.html", context)


@login_required
@require_GET
def overdue_view(request):
    """The firms in scope overdue for a service, the longest without one first, with their officer (a county
    filter for city-wide roles); the coverage page counts the same firms."""
    user = request.user
    if not may_see_coverage(user):
        raise PermissionDenied
    counties = list(scope_counties(County.objects.all(), user=user).order_by("code"))
    county = request.GET.get("county") or ""
    if county and county not in {c.code for c in counties}:
        raise Http404("No such county")
    days = settings_in_force().no_service_days
    context = {
        "firms": overdue_firms(user=user, county=county or None, days=days),
        "counties": counties,
        "county": county,
        "no_service_days": days,
    }
    return render(request, "officers/overdue.html", context)


@login_required
@require_GET
def firm_view(request, credit_code):
    """A firm's officer (and history), its services and demands, with forms for who may act."""
    enterprise = firm_get(user=request.user, credit_code=credit_code)
    user = request.user
    history = list(assignment_list(user=user, enterprise=enterprise))
    current = next((row for row in history if row.is_active), None)
    may_assign = can_assign(user, enterprise)
    logs_services = may_log_service(user, enterprise)
    context = {
        "enterprise": enterprise,
        "current": current,
        "history": history,
        "logs": list(service_log_list(user=user, enterprise=enterprise)[:100]),
        "demands": list(demand_module.demand_list(user=user, enterprise=enterprise)[:50]),
        "gaps": [gap for gap in plan_gaps(user=user, enterprise=enterprise) if gap.is_open],
        "may_assign": may_assign,
        "assign_form": AssignForm(officers=assignable_officers(user=user)) if may_assign else None,
        "unassign_form": UnassignForm() if may_assign and current else None,
        "log_form": ServiceLogForm() if logs_services else None,
        "can_file": can_file_demand(user, enterprise),
        "can_edit_plan": can_edit_plan(user, enterprise),
    }
    return render(request, "officers/firm.html", context)


@login_required
@require_POST
def firm_assign_view(request, credit_code):
    enterprise = firm_get(user=request.user, credit_code=credit_code)
    if not can_assign(request.user, enterprise):
        raise PermissionDenied
    return form_action(
        request,
        AssignForm(request.POST, officers=assignable_officers(user=request.user)),
        lambda data: assign_officer(enterprise=enterprise, actor=request.user, **data),
        success=_("Officer assigned."),
        then=reverse("officers:firm", args=[enterprise.credit_code]),
    )


@login_required
@require_POST
def firm_unassign_view(request, credit_code):
    enterprise = firm_get(user=request.user, credit_code=credit_code)
    if not can_assign(request.user, enterprise):
        raise PermissionDenied
    return form_action(
        request,
        UnassignForm(request.POST),
        lambda data: unassign_officer(enterprise=enterprise, actor=request.user, reason=data["reason"]),
        success=_("Assignment ended."),
        then=reverse("officers:firm", args=[enterprise.credit_code]),
    )


@login_required
@require_POST
def service_log_create_view(request, credit_code):
    enterprise = firm_get(user=request.user, credit_code=credit_code)
    if not may_log_service(request.user, enterprise):
        raise PermissionDenied
    form = ServiceLogForm(request.POST)
    return form_action(
        request,
        form,
        lambda _data: service_log_create(enterprise=enterprise, actor=request.user, **form.service_kwargs()),
        success=_("Service recorded."),
        then=reverse("officers:firm", args=[enterprise.credit_code]),
    )


# ---------------------------------------------------------------------------------------------------------------
# Demands


def _choice(value, choices) -> str:
    return value if value in choices else ""


@login_required
@require_GET
def demands_view(request):
    """Demands in scope, newest first, filtered by status, category, urgency and county (paginated)."""
    user = request.user
    counties = list(scope_counties(County.objects.all(), user=user).order_by("code"))
    county = _choice(request.GET.get("county"), {c.code for c in counties})
    status = _choice(request.GET.get("status"), [*DemandStatus.values, "open"])
    category = _choice(request.GET.get("category"), DemandCategory.values)
    urgency = _choice(request.GET.get("urgency"), DemandUrgency.values)
    queryset = demand_module.demand_list(
        user=user,
        county=county or None,
        status=[status] if status and status != "open" else None,
        open_only=status == "open",
        category=category or None,
        urgency=urgency or None,
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "counties": counties,
        "filters": {"county": county, "status": status, "category": category, "urgency": urgency},
        "status_choices": [("open", _("Open")), *DemandStatus.choices],
        "category_choices": DemandCategory.choices,
        "urgency_choices": DemandUrgency.choices,
        "querystring": query.urlencode(),
        "own_firms": demand_module.own_demand_firms(user=user),
        "may_file_any": may_manage_officers(user),
    }
    return render(request, "officers/demands.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def demand_new_view(request):
    """File a demand for a firm in scope (`?firm=<credit code>`; an enterprise user's own firm by default)."""
    user = request.user
    code = request.POST.get("firm") or request.GET.get("firm") or ""
    if not code and files_for_own_firm(user):
        code = user.enterprise.credit_code
    enterprise = None
    if code:
        enterprise = (
            scope_to_user(Enterprise.objects.select_related("county"), user=user)
            .filter(credit_code=code.strip().upper())
            .first()
        )
        if enterprise is None:
            raise Http404("No such enterprise")
        if not can_file_demand(user, enterprise):
            raise PermissionDenied
    form = DemandForm(request.POST or None, initial={"field": enterprise.high_tech_field if enterprise else ""})
    if request.method == "POST":
        if enterprise is None:
            messages.error(request, _("Give the firm's credit code."))
        elif form.is_valid():
            try:
                demand = demand_module.demand_create(enterprise=enterprise, actor=user, **form.cleaned_data)
            except ValidationError as error:
                report_errors(request, error)
            else:
                messages.success(request, _("Demand filed."))
                return redirect("officers:demand", pk=demand.pk)
    return render(request, "officers/demand_new.html", {"form": form, "enterprise": enterprise, "firm": code})


@login_required
@require_GET
def demand_view(request, pk):
    demand = demand_module.demand_get(user=request.user, pk=pk)
    targets = workflows.allowed_targets(request.user, demand)
    context = {
        "demand": demand,
        "events": demand_module.demand_events(demand=demand),
        "providers": demand_module.matched_providers(demand=demand),
        "field": demand_module.demand_field(demand),
        "targets": targets,
        "owners": list(demand_module.owner_choices(enterprise=demand.enterprise)) if "assigned" in targets else [],
        "urgency_choices": DemandUrgency.choices,
        "move_verbs": workflows.DEMAND_MOVE_VERBS,
        "is_open": demand.status in OPEN_DEMAND_STATUSES,
    }
    return render(request, "officers/demand.html", context)


@login_required
@require_POST
def demand_transition_view(request, pk):
    demand = demand_module.demand_get(user=request.user, pk=pk)
    data = {key: request.POST.get(key, "") for key in ("urgency", "owner", "visit_on", "participants", "outcome",
                                                        "reason", "note")}  # fmt: skip
    data["green_channel"] = request.POST.get("green_channel") == "on"
    if data["owner"]:
        data["owner"] = int(data["owner"]) if data["owner"].isdigit() else -1
    return post_action(
        request,
        lambda: workflows.demand_transition(demand=demand, to=request.POST.get("to", ""), actor=request.user, **data),
        success=_("Demand updated."),
        then=reverse("officers:demand", args=[demand.pk]),
    )


# ---------------------------------------------------------------------------------------------------------------
# Coverage


@login_required
@require_GET
def coverage_view(request):
    """Coverage per county and per officer in scope (fixed number of queries)."""
    user = request.user
    if not may_see_coverage(user):
        raise PermissionDenied
    counties = list(scope_counties(County.objects.all(), user=user).order_by("code"))
    county = request.GET.get("county") or ""
    if county and county not in {c.code for c in counties}:
        raise Http404("No such county")
    days = settings_in_force().no_service_days
    rows, total = coverage_by_county(user=user, days=days, counties=counties)
    context = {
        "rows": rows,
        "total": total,
        "officers": coverage_by_officer(user=user, county=county or None, days=days),
        "counties": counties,
        "county": county,
        "no_service_days": days,
    }
    return render(request, "officers/coverage.html", context)
