from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.scoping import scope_counties
from cultivation.forms import PinEndForm, PinForm
from cultivation.models import ACTIVE_WARNING_STATES, WarningKind, WarningSeverity, WarningState
from cultivation.selectors import can_handle_warning, can_pin, pin_get, warning_get, warning_list
from cultivation.services import WARNING_ACTIONS, pin_create, pin_end, warning_transition
from enterprises.models import County
from enterprises.selectors import enterprise_get

WARNING_PAGE_SIZE = 50


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
# Warnings


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
    kinds = _choices(request, "kind", WarningKind.values)
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
            "kind_choices": WarningKind.choices,
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
    try:
        warning_transition(warning=warning, action=action, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        _report(request, error.messages)
    else:
        messages.success(request, _("Warning acknowledged.") if action == "acknowledge" else _("Warning resolved."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("cultivation:warnings")
