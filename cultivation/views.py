from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cultivation.forms import PinEndForm, PinForm, PlanTaskForm, PlanTaskStatusForm
from cultivation.models import PLAN_TASK_TRANSITIONS, PlanGap, PlanTaskStatus
from cultivation.plans import gap_label, plan_task_create, plan_task_set_status, plan_task_update
from cultivation.selectors import (
    can_edit_plan,
    can_pin,
    pin_get,
    plan_enterprise_get,
    plan_gaps,
    plan_task_get,
    plan_tasks,
)
from cultivation.services import pin_create, pin_end
from enterprises.selectors import enterprise_get


def _report(request, errors) -> None:
    for error in errors:
        messages.error(request, error)


def _form_errors(form) -> list[str]:
    return [f"{form.fields[name].label}: {message}" if name in form.fields else message
            for name, messages_ in form.errors.items() for message in messages_]  # fmt: skip


@login_required
@require_POST
def pin_create_view(request, credit_code):
    # Scoped first: a firm outside the user's scope is a 404 before any permission question.
    enterprise = enterprise_get(user=request.user, credit_code=credit_code)
    if not can_pin(request.user, enterprise):
        raise PermissionDenied
    form = PinForm(request.POST)
    if form.is_valid():
        try:
            pin_create(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _report(request, error.messages)
        else:
            messages.success(request, _("Pinned."))
    else:
        _report(request, _form_errors(form))
    return redirect("enterprises:detail", credit_code=enterprise.credit_code)


@login_required
@require_POST
def pin_end_view(request, pk):
    pin = pin_get(user=request.user, pk=pk)
    if not can_pin(request.user, pin.enterprise):
        raise PermissionDenied
    form = PinEndForm(request.POST)
    if form.is_valid():
        try:
            pin_end(pin=pin, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _report(request, error.messages)
        else:
            messages.success(request, _("Pin ended."))
    else:
        _report(request, _form_errors(form))
    return redirect("enterprises:detail", credit_code=pin.enterprise.credit_code)


# ---------------------------------------------------------------------------------------------------------------
# One plan per firm


def _next_statuses(task) -> list[tuple[str, str]]:
    allowed = PLAN_TASK_TRANSITIONS[task.status]
    return [(value, label) for value, label in PlanTaskStatus.choices if value in allowed]


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
        task.next_statuses = _next_statuses(task) if editable else []
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


def _task_data(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("gap", "what", "who", "due_on", "notes")}


@login_required
@require_POST
def plan_task_create_view(request, credit_code):
    enterprise = plan_enterprise_get(user=request.user, credit_code=credit_code)
    if not can_edit_plan(request.user, enterprise):
        raise PermissionDenied
    form = PlanTaskForm(request.POST, gaps=_gaps_of(enterprise))
    if form.is_valid():
        try:
            plan_task_create(enterprise=enterprise, actor=request.user, **_task_data(form))
        except ValidationError as error:
            _report(request, error.messages)
        else:
            messages.success(request, _("Task added."))
    else:
        _report(request, _form_errors(form))
    return redirect("cultivation:plan", credit_code=enterprise.credit_code)


@login_required
@require_POST
def plan_task_update_view(request, pk):
    task = plan_task_get(user=request.user, pk=pk)
    if not can_edit_plan(request.user, task.enterprise):
        raise PermissionDenied
    form = PlanTaskForm(request.POST, gaps=_gaps_of(task.enterprise))
    if form.is_valid():
        try:
            plan_task_update(task=task, actor=request.user, **_task_data(form))
        except ValidationError as error:
            _report(request, error.messages)
        else:
            messages.success(request, _("Task saved."))
    else:
        _report(request, _form_errors(form))
    return redirect("cultivation:plan", credit_code=task.enterprise.credit_code)


@login_required
@require_POST
def plan_task_status_view(request, pk):
    task = plan_task_get(user=request.user, pk=pk)
    if not can_edit_plan(request.user, task.enterprise):
        raise PermissionDenied
    form = PlanTaskStatusForm(request.POST)
    if form.is_valid():
        try:
            plan_task_set_status(task=task, status=form.cleaned_data["status"], actor=request.user)
        except ValidationError as error:
            _report(request, error.messages)
        else:
            messages.success(request, _("Status changed."))
    else:
        _report(request, _form_errors(form))
    return redirect("cultivation:plan", credit_code=task.enterprise.credit_code)
