from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_enterprise_user
from accounts.scoping import scope_counties
from core.access import AccessKind, record_access
from core.pages import post_action
from enterprises.models import County
from policies.conditions import FIELDS, describe
from policies.forms import ConditionFormSet, EventForm, NoticeForm, PolicyForm, conditions_from, conditions_initial
from policies.models import MatchStatus, PolicyKind
from policies.permissions import may_edit_policies, may_publish, may_see_matches, registration_side
from policies.selectors import (
    event_get,
    event_list,
    event_registrations,
    notice_get,
    notice_list,
    policy_get,
    policy_list,
    policy_match_counts,
    policy_match_list,
    registration_get,
)
from policies.services import event_create, notice_mark_read, notice_publish, policy_save
from policies.workflows import allowed_registration_targets, event_register, registration_transition

LIST_PAGE_SIZE = 25
MATCH_PAGE_SIZE = 50


def _page(request, queryset, size):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# ---------------------------------------------------------------------------------------------------------------
# Policies


@login_required
def policy_list_view(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in PolicyKind.values else ""
    # `?fits=1`, for a firm's user: the policies its firm meets or nearly meets, deadline not passed.
    fits = request.GET.get("fits") == "1" and is_enterprise_user(request.user)
    page = _page(request, policy_list(user=request.user, kind=kind or None, fits=fits), LIST_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "policies/policy_list.html",
        {
            "page": page,
            "kind": kind,
            "fits": fits,
            "kinds": PolicyKind.choices,
            "can_edit": may_edit_policies(request.user),
            "querystring": query.urlencode(),
        },
    )


@login_required
def policy_detail_view(request, pk):
    policy = policy_get(user=request.user, pk=pk)
    context = {
        "policy": policy,
        "conditions": [describe(condition) for condition in policy.conditions or []],
        "can_edit": may_edit_policies(request.user),
    }
    if may_see_matches(request.user):
        context["counts"] = policy_match_counts(user=request.user, policy=policy)
    if is_enterprise_user(request.user):
        context["own_match"] = policy_match_list(user=request.user, policy=policy).first()
    return render(request, "policies/policy_detail.html", context)


@login_required
def policy_matches_view(request, pk):
    """The firms meeting or nearly meeting a policy, in the user's scope: a list to invite."""
    if not may_see_matches(request.user):
        raise Http404("No such list")
    policy = policy_get(user=request.user, pk=pk)
    status = request.GET.get("status") if request.GET.get("status") in MatchStatus.values else ""
    counties = list(scope_counties(County.objects.all(), user=request.user).order_by("code"))
    county = request.GET.get("county", "")
    county = county if any(item.code == county for item in counties) else ""
    matches = policy_match_list(user=request.user, policy=policy, status=status or None, county=county or None)
    page = _page(request, matches, MATCH_PAGE_SIZE)
    for match in page:
        match.policy = policy  # the gap text reads the policy's conditions; no query per row
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "policies/policy_matches.html",
        {"policy": policy, "page": page, "status": status, "statuses": MatchStatus.choices, "counties": counties,
         "county": county, "counts": policy_match_counts(user=request.user, policy=policy),
         "querystring": query.urlencode()},
    )  # fmt: skip


def _policy_form(request, policy=None):
    if not may_edit_policies(request.user):
        raise PermissionDenied
    form = PolicyForm(request.POST or None, request.FILES or None, instance=policy)
    formset = ConditionFormSet(request.POST or None, prefix="conditions", initial=conditions_initial(policy))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["conditions"] = conditions_from(formset)
        try:
            policy = policy_save(actor=request.user, data=data, policy=policy)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(None if field not in form.fields else field, problems)
        else:
            messages.success(request, _("Policy saved; its matches are being recomputed."))
            return redirect("policies:detail", pk=policy.pk)
    return render(
        request,
        "policies/policy_form.html",
        {"form": form, "formset": formset, "policy": policy, "fields": FIELDS.values()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_create_view(request):
    return _policy_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit_view(request, pk):
    return _policy_form(request, policy_get(user=request.user, pk=pk))


@login_required
def policy_attachment_view(request, pk):
    policy = policy_get(user=request.user, pk=pk)
    if not policy.attachment:
        raise Http404("No attachment")
    name = policy.attachment.name.rsplit("/")[-1]
    handle = policy.attachment.open("rb")
    record_access(
        request=request, kind=AccessKind.DOWNLOAD, what=gettext_lazy("A policy's attachment"), subject=policy.title
    )
    return FileResponse(handle, as_attachment=True, filename=name)


# ---------------------------------------------------------------------------------------------------------------
# Notices


@login_required
def notice_list_view(request):
    # `?unread=1`, for a firm's user: only the notices it has not opened yet.
    unread = request.GET.get("unread") == "1" and is_enterprise_user(request.user)
    page = _page(request, notice_list(user=request.user, unread=unread), LIST_PAGE_SIZE)
    context = {
        "page": page, "can_publish": may_publish(request.user), "unread": unread,
        "querystring": "unread=1" if unread else "",
    }  # fmt: skip
    return render(request, "policies/notice_list.html", context)


@login_required
def notice_detail_view(request, pk):
    notice = notice_get(user=request.user, pk=pk)
    notice_mark_read(notice=notice, user=request.user)
    return render(request, "policies/notice_detail.html", {"notice": notice})


def _audience_form(request, form_class, service, template, success):
    if not may_publish(request.user):
        raise PermissionDenied
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = service(actor=request.user, data={name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, success)
            return created
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def notice_create_view(request):
    result = _audience_form(request, NoticeForm, notice_publish, "policies/notice_form.html", _("Notice published."))
    return redirect("policies:notice", pk=result.pk) if hasattr(result, "pk") else result


# ---------------------------------------------------------------------------------------------------------------
# Events


@login_required
def event_list_view(request):
    page = _page(request, event_list(user=request.user), LIST_PAGE_SIZE)
    return render(request, "policies/event_list.html", {"page": page, "can_publish": may_publish(request.user)})


@login_required
def event_detail_view(request, pk):
    event = event_get(user=request.user, pk=pk)
    registrations = []
    if not is_enterprise_user(request.user):
        registrations = list(event_registrations(user=request.user, event=event))
        for registration in registrations:
            registration.targets = allowed_registration_targets(request.user, registration)
    own = None
    if is_enterprise_user(request.user):
        own = event_registrations(user=request.user, event=event).first()
        if own is not None:
            own.targets = allowed_registration_targets(request.user, own)
    return render(
        request,
        "policies/event_detail.html",
        {"event": event, "registrations": registrations, "own": own, "is_firm": is_enterprise_user(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create_view(request):
    result = _audience_form(request, EventForm, event_create, "policies/event_form.html", _("Event created."))
    return redirect("policies:event", pk=result.pk) if hasattr(result, "pk") else result


@login_required
@require_POST
def event_register_view(request, pk):
    event = event_get(user=request.user, pk=pk)
    if not is_enterprise_user(request.user):
        raise PermissionDenied
    return post_action(
        request,
        lambda: event_register(event=event, enterprise=request.user.enterprise, actor=request.user),
        success=_("Registered."),
        then=reverse("policies:event", args=[event.pk]),
    )


@login_required
@require_POST
def registration_transition_view(request, pk):
    registration = registration_get(user=request.user, pk=pk)
    if registration_side(request.user, registration.enterprise) is None:
        raise PermissionDenied
    return post_action(
        request,
        lambda: registration_transition(registration=registration, to=request.POST.get("to", ""), actor=request.user),
        success=None,
        then=reverse("policies:event", args=[registration.event_id]),
    )
