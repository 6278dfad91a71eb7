import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.scoping import scope_counties, scope_to_user
from core.access import AccessKind, record_access
from core.pages import form_action, page_number, post_action
from cultivation.campaigns import (
    FUNNEL_STEPS,
    campaign_add_candidates,
    campaign_create,
    campaign_funnel,
    campaign_get,
    campaign_list,
    candidate_portraits,
    entry_get,
    entry_list,
)
from cultivation.exports import key_list_workbook
from cultivation.forms import (
    BoardFilterForm,
    CampaignCandidatesForm,
    CampaignMoveForm,
    PinEndForm,
    PinForm,
    PlanTaskForm,
    PlanTaskStatusForm,
    WarningNoteForm,
)
from cultivation.models import (
    ACTIVE_WARNING_STATES,
    CampaignStage,
    CultivationSettings,
    PlanGap,
    PreReviewResult,
    WarningSeverity,
    WarningState,
)
from cultivation.permissions import (
    can_act_on_entry,
    can_edit_plan,
    can_handle_warning,
    can_open_campaign,
    can_pin,
    can_select_candidates,
    may_see_board,
)
from cultivation.plans import gap_label, plan_task_create, plan_task_update
from cultivation.selectors import (
    BOARD_TIERS,
    board_counties,
    board_counts,
    board_county,
    board_placements,
    board_tier_pages,
    key_list,
    live_pins,
    movements_this_month,
    pin_get,
    plan_enterprise_get,
    plan_gaps,
    plan_task_get,
    plan_tasks,
    warning_get,
    warning_list,
)
from cultivation.services import pin_create, pin_end
from cultivation.warning_registry import warning_kind_choices, warning_kinds
from cultivation.workflows import (
    CAMPAIGN_MOVE_VERBS,
    WARNING_ACTIONS,
    campaign_entry_targets,
    campaign_entry_transition,
    plan_task_targets,
    plan_task_transition,
    warning_transition,
)
from enterprises.models import County, Enterprise
from enterprises.selectors import enterprise_get
from rulesets import get_ruleset
from scoring.selectors import current_run


@login_required
@require_POST
def pin_create_view(request, credit_code):
    # Scoped first: a firm outside the user's scope is a 404 before any permission question.
    enterprise = enterprise_get(user=request.user, credit_code=credit_code)
    if not can_pin(request.user, enterprise):
        raise PermissionDenied
    return form_action(
        request,
        PinForm(request.POST),
        lambda data: pin_create(enterprise=enterprise, actor=request.user, **data),
        success=_("Pinned."),
        then=reverse("enterprises:detail", kwargs={"credit_code": enterprise.credit_code}),
    )


@login_required
@require_POST
def pin_end_view(request, pk):
    pin = pin_get(user=request.user, pk=pk)
    if not can_pin(request.user, pin.enterprise):
        raise PermissionDenied
    return form_action(
        request,
        PinEndForm(request.POST),
        lambda data: pin_end(pin=pin, actor=request.user, reason=data["reason"]),
        success=_("Pin ended."),
        then=reverse("enterprises:detail", kwargs={"credit_code": pin.enterprise.credit_code}),
    )


# ---------------------------------------------------------------------------------------------------------------
# One plan per firm


@login_required
@require_GET
def plan_view(request, credit_code):
    """The firm's plan: open and closed gaps, tasks by gap; forms only for those who may edit (5 queries)."""
    enterprise = plan_enterprise_get(user=request.user, credit_code=credit_code)
    gaps = plan_gaps(user=request.user, enterprise=enterprise)
    tasks = plan_tasks(user=request.user, enterprise=enterprise)
    editable = can_edit_plan(request.user, enterprise)
    by_gap: dict[int | None, list] = {}
    for task in tasks:
        task.next_statuses = plan_task_targets(task.status) if editable else []
        by_gap.setdefault(task.gap_id, []).append(task)
    for gap in gaps:
        gap.label = gap_label(gap.key)
        gap.plan_tasks = by_gap.get(gap.pk, [])
    open_gaps = [gap for gap in gaps if gap.is_open]
    return render(
        request,
        "cultivation/plan.html",
        {
            "enterprise": enterprise,
            "open_gaps": open_gaps,
            "closed_gaps": [gap for gap in gaps if not gap.is_open],
            "loose_tasks": by_gap.get(None, []),
            "can_edit": editable,
            "gap_choices": open_gaps,
        },
    )


def _gaps_of(enterprise):
    return PlanGap.objects.filter(enterprise=enterprise)


def _task_data(data: dict) -> dict:
    return {name: data[name] for name in ("gap", "what", "who", "due_on", "notes")}


def _plan_url(enterprise) -> str:
    return reverse("cultivation:plan", kwargs={"credit_code": enterprise.credit_code})


@login_required
@require_POST
def plan_task_create_view(request, credit_code):
    enterprise = plan_enterprise_get(user=request.user, credit_code=credit_code)
    if not can_edit_plan(request.user, enterprise):
        raise PermissionDenied
    return form_action(
        request,
        PlanTaskForm(request.POST, gaps=_gaps_of(enterprise)),
        lambda data: plan_task_create(enterprise=enterprise, actor=request.user, **_task_data(data)),
        success=_("Task added."),
        then=_plan_url(enterprise),
    )


@login_required
@require_POST
def plan_task_update_view(request, pk):
    task = plan_task_get(user=request.user, pk=pk)
    if not can_edit_plan(request.user, task.enterprise):
        raise PermissionDenied
    return form_action(
        request,
        PlanTaskForm(request.POST, gaps=_gaps_of(task.enterprise)),
        lambda data: plan_task_update(task=task, actor=request.user, **_task_data(data)),
        success=_("Task saved."),
        then=_plan_url(task.enterprise),
    )


@login_required
@require_POST
def plan_task_status_view(request, pk):
    task = plan_task_get(user=request.user, pk=pk)
    if not can_edit_plan(request.user, task.enterprise):
        raise PermissionDenied
    return form_action(
        request,
        PlanTaskStatusForm(request.POST),
        lambda data: plan_task_transition(task=task, to=data["status"], actor=request.user),
        success=_("Status changed."),
        then=_plan_url(task.enterprise),
    )


# ---------------------------------------------------------------------------------------------------------------
# Tier board and key cultivation list


@login_required
@require_GET
def board_view(request):
    """The tier board: counts per tier, this month's moves, each tier ranked by readiness (or, `?tab=key`, the key
    cultivation list). A fixed number of queries whatever the number of firms."""
    user = request.user
    if not may_see_board(user):
        raise PermissionDenied
    counties = board_counties(user=user)
    county = board_county(user=user, counties=counties, code=request.GET.get("county"))
    run = current_run()
    tab = "key" if request.GET.get("tab") == "key" else "board"
    # Readiness was computed under the run's rule set: its bands filter it.
    form = BoardFilterForm(request.GET, bands=get_ruleset(run.ruleset_year if run else None).readiness_bands)
    context = {
        "counties": counties,
        "county": county,
        "may_switch": len(counties) > 1,
        "run": run,
        "tab": tab,
        "form": form,
        "moves": movements_this_month(user=user, county=county),
        "month": timezone.localdate(),
        "key_list_size": CultivationSettings.key_list_size_in_force(),
    }
    filters = form.filters() if tab == "board" else {}
    context["counts"], totals = board_counts(user=user, county=county, **filters)
    if tab == "key":
        context["key_rows"] = key_list(user=user, county=county, size=context["key_list_size"])
    else:
        queryset = board_placements(user=user, county=county, **filters)
        pages = {tier.value: page_number(request.GET.get(f"page_{tier.value}")) for tier in BOARD_TIERS}
        context["tier_pages"] = board_tier_pages(queryset, totals=totals, pages=pages)
    query = request.GET.copy()
    for tier in BOARD_TIERS:
        query.pop(f"page_{tier.value}", None)
    context["querystring"] = query.urlencode()
    return render(request, "cultivation/board.html", context)


@login_required
@require_GET
def key_list_export_view(request):
    """The key cultivation list as xlsx, scoped like the board (`?county=` outside the scope: 404)."""
    user = request.user
    if not may_see_board(user):
        raise PermissionDenied
    counties = board_counties(user=user)
    county = board_county(user=user, counties=counties, code=request.GET.get("county"))
    rows = key_list(user=user, county=county)
    content = key_list_workbook(rows)
    record_access(
        request=request,
        kind=AccessKind.EXPORT,
        what=gettext_lazy("Key cultivation list"),
        filters={gettext_lazy("County"): county.name if county else gettext_lazy("All counties in scope")},
        rows=len(rows),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"key-list-{county.code if county else 'all'}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


PIN_PAGE_SIZE = 50
# The choices of the pins page's "ending within" filter, in days.
PIN_ENDING_CHOICES = (7, 30, 90)


@login_required
@require_GET
def pins_view(request):
    """The pins in force in scope, the first to end first; `?within=30`: those ending in the next 30 days."""
    user = request.user
    if not may_see_board(user):
        raise PermissionDenied
    counties = board_counties(user=user)
    county = board_county(user=user, counties=counties, code=request.GET.get("county"))
    within = next((days for days in PIN_ENDING_CHOICES if request.GET.get("within") == str(days)), None)
    today = timezone.localdate()
    ending_by = today + datetime.timedelta(days=within) if within else None
    queryset = live_pins(user=user, ending_by=ending_by, county=county.code if county else None)
    page = Paginator(queryset, PIN_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    for pin in page.object_list:
        pin.days_left = (pin.ends_on - today).days
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "counties": counties, "county": county, "may_switch": len(counties) > 1, "within": within,
        "within_choices": PIN_ENDING_CHOICES, "querystring": query.urlencode(),
    }  # fmt: skip
    return render(request, "cultivation/pins.html", context)


WARNING_PAGE_SIZE = 50


def _choices(request, name: str, allowed) -> list[str]:
    """The values of a repeated GET parameter that are known choices (unknown ones are ignored)."""
    return [value for value in request.GET.getlist(name) if value in allowed]


@login_required
def warnings_view(request):
    """Warnings per county: county staff see their own; city staff, admins and leaders all, switchable."""
    user = request.user
    counties = list(scope_counties(County.objects.all(), user=user).only("code", "name"))
    county = request.GET.get("county", "")
    if county and county not in {c.code for c in counties}:
        county = ""
    kinds = _choices(request, "kind", warning_kinds())
    severities = _choices(request, "severity", WarningSeverity.values)
    states = _choices(request, "state", WarningState.values) or list(ACTIVE_WARNING_STATES)
    queryset = warning_list(user=user, county=county or None, kinds=kinds, severities=severities, states=states)
    page = Paginator(queryset, WARNING_PAGE_SIZE).get_page(request.GET.get("page"))
    for warning in page.object_list:
        warning.may_act = can_handle_warning(user, warning)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cultivation/warnings.html",
        {
            "page": page,
            "counties": counties,
            "county": county,
            "kinds": kinds,
            "severities": severities,
            "states": states,
            "kind_choices": warning_kind_choices(),
            "severity_choices": WarningSeverity.choices,
            "state_choices": WarningState.choices,
            "querystring": query.urlencode(),
            "back": request.get_full_path(),
        },
    )


@login_required
@require_POST
def warning_transition_view(request, pk, action):
    if action not in WARNING_ACTIONS:
        raise Http404("No such action")
    # Scoped first: a warning outside the user's scope is a 404 before any permission question.
    warning = warning_get(user=request.user, pk=pk)
    if not can_handle_warning(request.user, warning):
        raise PermissionDenied
    return form_action(
        request,
        WarningNoteForm(request.POST),
        lambda data: warning_transition(warning=warning, action=action, actor=request.user, note=data["note"]),
        success=_("Warning acknowledged.") if action == "acknowledge" else _("Warning resolved."),
        then=_back(request, reverse("cultivation:warnings")),
    )


# ---------------------------------------------------------------------------------------------------------------
# The high-tech application campaign

CAMPAIGN_PAGE_SIZE = 25


@login_required
def campaigns_view(request):
    """Campaigns by year; city staff open a new one (POST)."""
    user = request.user
    if not may_see_board(user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("Give a year."))
            return redirect("cultivation:campaigns")
        return post_action(
            request,
            lambda: campaign_create(year=year, actor=user, title=request.POST.get("title", "")),
            success=None,
            then=lambda campaign: reverse("cultivation:campaign", args=[campaign.year]),
            failed=reverse("cultivation:campaigns"),
        )
    return render(
        request,
        "cultivation/campaigns.html",
        {
            "campaigns": campaign_list(user=user),
            "may_open": can_open_campaign(user),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
@require_GET
def campaign_view(request, year):
    """One campaign: the funnel by county, the entries with their moves, and the T2 candidate picker."""
    user = request.user
    campaign = campaign_get(user=user, year=year)
    counties = board_counties(user=user)
    county = board_county(user=user, counties=counties, code=request.GET.get("county"))
    code = county.code if county else None
    rows, total = campaign_funnel(user=user, campaign=campaign, county=code)
    stage = request.GET.get("stage") if request.GET.get("stage") in CampaignStage.values else ""
    entries = Paginator(
        entry_list(user=user, campaign=campaign, county=code, stage=stage or None), CAMPAIGN_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for entry in entries.object_list:
        entry.may_act = can_act_on_entry(user, entry)
        entry.targets = [(value, CAMPAIGN_MOVE_VERBS[value]) for value in campaign_entry_targets(entry.stage)]
    run = current_run()
    candidates = Paginator(candidate_portraits(user=user, campaign=campaign, run=run, county=code),
                           CAMPAIGN_PAGE_SIZE).get_page(request.GET.get("cpage"))  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cpage", None)
    return render(
        request,
        "cultivation/campaign.html",
        {
            "campaign": campaign,
            "counties": counties,
            "county": county,
            "may_switch": len(counties) > 1,
            "funnel_rows": rows,
            "funnel_total": total,
            "funnel_steps": [(key, label) for key, label, _stages in FUNNEL_STEPS],
            "entries": entries,
            "candidates": candidates,
            "may_select": can_select_candidates(user),
            "run": run,
            "pre_review_choices": PreReviewResult.choices,
            "stage": stage,
            "stage_choices": CampaignStage.choices,
            "querystring": query.urlencode(),
            "back": request.get_full_path(),
            "today": timezone.localdate(),
        },
    )


def _back(request, default: str) -> str:
    """The posted `next` URL when it is safe (this host), else `default`."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return default


@login_required
@require_POST
def campaign_add_view(request, year):
    user = request.user
    campaign = campaign_get(user=user, year=year)
    ids = [int(value) for value in request.POST.getlist("enterprise") if value.isdigit()]
    enterprises = list(scope_to_user(Enterprise.objects.filter(pk__in=ids), user=user))
    if len(enterprises) != len(set(ids)):
        raise Http404("No such enterprise")
    codes = {code.upper() for code in re.split(r"[\s,，;；]+", request.POST.get("credit_codes", "")) if code}
    if codes:
        by_code = list(scope_to_user(Enterprise.objects.filter(credit_code__in=codes), user=user))
        unknown = sorted(codes - {enterprise.credit_code for enterprise in by_code})
        if unknown:
            messages.error(
                request,
                _("No firm in your scope has the credit code(s): %(codes)s. Nothing was added.")
                % {"codes": ", ".join(unknown)},
            )
            return redirect("cultivation:campaign", year=campaign.year)
        enterprises += [enterprise for enterprise in by_code if enterprise.pk not in set(ids)]
    if not enterprises:
        messages.error(request, _("Select at least one firm."))
        return redirect("cultivation:campaign", year=campaign.year)
    return form_action(
        request,
        CampaignCandidatesForm(request.POST),
        lambda data: campaign_add_candidates(
            campaign=campaign, enterprises=enterprises, actor=user, override=data["override"]
        ),
        success=lambda created: _("%(count)s firm(s) added as candidates.") % {"count": len(created)},
        then=reverse("cultivation:campaign", kwargs={"year": campaign.year}),
    )


@login_required
@require_POST
def campaign_entry_transition_view(request, pk):
    # Scoped first: an entry outside the user's scope is a 404 before any permission question.
    entry = entry_get(user=request.user, pk=pk)
    if not can_act_on_entry(request.user, entry):
        raise PermissionDenied
    return form_action(
        request,
        CampaignMoveForm(request.POST),
        lambda data: campaign_entry_transition(entry=entry, actor=request.user, **data),
        success=lambda moved: _("Entry moved to “%(stage)s”.") % {"stage": moved.get_stage_display()},
        then=_back(request, reverse("cultivation:campaign", kwargs={"year": entry.campaign.year})),
    )
