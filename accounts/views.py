from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import EnrolmentConfirmForm, PortalPasswordChangeForm, SecondFactorCodeForm
from accounts.permissions import needs_second_factor
from accounts.second_factor import (
    enrolment_confirm,
    enrolment_device,
    enrolment_qr_svg,
    enrolment_secret,
    is_enrolled,
    recovery_codes_renew,
    session_verify,
)


class PortalPasswordChangeView(PasswordChangeView):
    form_class = PortalPasswordChangeForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url("home")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_view(request):
    """After the password: the code from the authenticator app, or a recovery code."""
    user = request.user
    if not is_enrolled(user=user):
        if needs_second_factor(user):
            return redirect(f"{resolve_url('second_factor_setup')}?next={_next_url(request)}")
        return redirect("home")
    if user.is_verified():
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = session_verify(request=request, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            if verified:
                return redirect(_next_url(request))
            form.add_error(
                "code", _("That code is not right. Type the six digits the app shows now, or a recovery code.")
            )
    return render(request, "registration/second_factor.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup_view(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with the first code; the recovery
    codes are then shown once. An enrolled user must give a code before enrolling a new app."""
    user = request.user
    if not needs_second_factor(user):
        raise PermissionDenied
    if is_enrolled(user=user) and not user.is_verified():
        return redirect(f"{resolve_url('second_factor')}?next={_next_url(request)}")
    device = enrolment_device(user=user)
    form = EnrolmentConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = enrolment_confirm(user=user, device=device, code=form.cleaned_data["code"], request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The authenticator app is set up."))
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    context = {
        "form": form,
        "qr_svg": enrolment_qr_svg(device=device),
        "secret": enrolment_secret(device=device),
        "enrolled": is_enrolled(user=user),
        "next": _next_url(request),
    }
    return render(request, "registration/second_factor_setup.html", context)


@login_required
@require_POST
def recovery_codes_view(request):
    """New recovery codes (the old ones stop working), for a user whose session gave a code."""
    user = request.user
    if not needs_second_factor(user) or not user.is_verified():
        raise PermissionDenied
    try:
        codes = recovery_codes_renew(user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("second_factor_setup")
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": resolve_url("home")})
