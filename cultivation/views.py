from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivation.forms import PinEndForm, PinForm
from cultivation.selectors import can_pin, pin_get
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
