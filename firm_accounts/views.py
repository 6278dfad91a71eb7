from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from accounts.network import client_key
from accounts.scoping import scope_counties
from core.access import AccessKind, record_access
from enterprises.models import County
from firm_accounts.bulk import (
    accounts_workbook,
    bulk_create_accounts,
    codes_from_file,
    codes_from_selection,
    codes_from_text,
    firms_for_accounts,
)
from firm_accounts.forms import (
    AccountRequestForm,
    ApproveForm,
    BulkListForm,
    RefuseForm,
    RequestQueueFilterForm,
    RequestStatusForm,
)
from firm_accounts.models import AccountRequestState
from firm_accounts.passwords import firm_account_get, one_time_password_issue
from firm_accounts.permissions import may_create_accounts, may_review_requests
from firm_accounts.requests import (
    PUBLIC_STATE_LABELS,
    account_request_submit,
    registry_check,
    request_by_reference,
    request_get,
    request_list,
    suggested_username,
)
from firm_accounts.workflows import account_request_transition

QUEUE_PAGE_SIZE = 50
PICKER_PAGE_SIZE = 100
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------------------------
# Enterprise firm_accounts: the public request and status pages, the reviewers' queue, bulk creation.


def _too_many(request, template: str, context: dict):
    context["rate_limited"] = True
    return render(request, template, context, status=429)


@require_http_methods(["GET", "POST"])
@ratelimit(key=client_key, rate=lambda group, request: settings.ACCOUNT_REQUEST_RATE, method="POST", block=False)
def account_request_view(request):
    """Public: a firm asks for an account (no login)."""
    form = AccountRequestForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _too_many(request, "firm_accounts/request_form.html", {"form": form})
        if form.is_valid():
            try:
                account_request = account_request_submit(**form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your request has been received."))
                url = reverse("firm_accounts:request-status")
                return redirect(f"{url}?{urlencode({'reference': account_request.reference, 'new': 1})}")
    return render(request, "firm_accounts/request_form.html", {"form": form})


@require_GET
@ratelimit(key=client_key, rate=lambda group, request: settings.ACCOUNT_STATUS_RATE, method="GET", block=False)
def account_request_status_view(request):
    """Public: the state of one request, by its reference."""
    form = RequestStatusForm(request.GET or None)
    context = {"form": form, "just_submitted": request.GET.get("new") == "1"}
    if getattr(request, "limited", False):
        return _too_many(request, "firm_accounts/request_status.html", context)
    if form.is_valid():
        account_request = request_by_reference(reference=form.cleaned_data["reference"])
        if account_request is None:
            form.add_error("reference", _("No request has this reference. Check it and try again."))
        else:
            context["account_request"] = account_request
            context["public_state"] = PUBLIC_STATE_LABELS[account_request.state]
    return render(request, "firm_accounts/request_status.html", context)


def _require_reviewer(user) -> None:
    if not may_review_requests(user):
        raise PermissionDenied


@login_required
@require_GET
def request_queue_view(request):
    user = request.user
    _require_reviewer(user)
    data = request.GET.copy()
    data.setdefault("state", AccountRequestState.PENDING)
    form = RequestQueueFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"state": AccountRequestState.PENDING}
    counties = list(scope_counties(County.objects.all(), user=user).order_by("code"))
    county = filters.get("county") or ""
    if county and county != "none" and county not in {c.code for c in counties}:
        raise Http404("No such county")
    page = Paginator(
        request_list(user=user, state=filters.get("state"), county=county, q=filters.get("q", "")), QUEUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    for account_request in page.object_list:
        account_request.check = registry_check(account_request)
    if page.object_list:
        county_names = {c.code: c.name for c in counties} | {"none": gettext_lazy("Not in the registry")}
        record_access(
            request=request,
            kind=AccessKind.CONTACT_VIEW,
            what=gettext_lazy("Contact persons of enterprise account requests, in the request list"),
            filters={
                gettext_lazy("State"): AccountRequestState(filters["state"]).label if filters.get("state") else "",
                gettext_lazy("County"): county_names.get(county, ""),
                gettext_lazy("Firm, credit code or reference"): filters.get("q", ""),
                gettext_lazy("Page"): page.number if page.paginator.num_pages > 1 else "",
            },
            rows=len(page.object_list),
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "firm_accounts/request_queue.html",
        {
            "page": page,
            "form": form,
            "counties": counties,
            "county": county,
            "sees_all": len(counties) > 1,
            "querystring": query.urlencode(),
        },
    )


def _detail_context(request, account_request, **extra):
    context = {
        "account_request": account_request,
        "check": registry_check(account_request),
        "events": account_request.events.select_related("actor"),
        "approve_form": ApproveForm(initial={"username": suggested_username(account_request)}),
        "refuse_form": RefuseForm(),
        "pending": account_request.state == AccountRequestState.PENDING,
    }
    context.update(extra)
    return context


@login_required
@require_GET
def request_detail_view(request, pk):
    _require_reviewer(request.user)
    account_request = request_get(user=request.user, pk=pk)
    record_access(
        request=request,
        kind=AccessKind.CONTACT_VIEW,
        what=gettext_lazy("The contact person of an enterprise account request"),
        subject=f"{account_request.reference} · {account_request.firm_name}（{account_request.credit_code}）",
    )
    return render(request, "firm_accounts/request_detail.html", _detail_context(request, account_request))


@login_required
@require_POST
def request_decide_view(request, pk, decision):
    """Approve (the one-time password is shown on the response, once) or refuse (with a reason)."""
    _require_reviewer(request.user)
    account_request = request_get(user=request.user, pk=pk)
    if decision == "approve":
        form, to = ApproveForm(request.POST), AccountRequestState.APPROVED
    elif decision == "refuse":
        form, to = RefuseForm(request.POST), AccountRequestState.REFUSED
    else:
        raise Http404("No such decision")
    if form.is_valid():
        try:
            result = account_request_transition(
                account_request=account_request, to=to, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if to == AccountRequestState.REFUSED:
                messages.success(request, _("Request %(reference)s refused.") % {"reference": result.request.reference})
                return redirect("firm_accounts:requests")
            response = render(request, "firm_accounts/account_created.html", {"decision": result})
            response["Cache-Control"] = "no-store"
            return response
    key = "approve_form" if decision == "approve" else "refuse_form"
    return render(
        request,
        "firm_accounts/request_detail.html",
        _detail_context(request, account_request, **{key: form}),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulk_accounts_view(request):
    """Pick firms from the registry list, or give a list of credit codes; one account each, in an xlsx."""
    user = request.user
    if not may_create_accounts(user):
        raise PermissionDenied
    list_form = BulkListForm()
    problems = []
    if request.method == "POST":
        listed = None
        source = gettext_lazy("firms ticked in the registry list")
        if request.POST.get("source") == "selection":
            listed = codes_from_selection(request.POST.getlist("code"))
        else:
            list_form = BulkListForm(request.POST, request.FILES)
            if list_form.is_valid():
                upload = list_form.cleaned_data.get("file")
                try:
                    if upload:
                        source = format_lazy("{} {}", gettext_lazy("the file"), upload.name)
                        listed = codes_from_file(upload.read(), file_name=upload.name)
                    else:
                        source = gettext_lazy("credit codes typed in")
                        listed = codes_from_text(list_form.cleaned_data.get("codes", ""))
                except ValidationError as error:
                    list_form.add_error(None, error)
                    listed = None
        if listed is not None:
            try:
                batch, created = bulk_create_accounts(user=user, listed=listed)
            except ValidationError as error:
                problems = error.check.problems
                messages.error(request, error.messages[0])
            else:
                response = HttpResponse(accounts_workbook(created), content_type=XLSX_CONTENT_TYPE)
                record_access(
                    request=request,
                    kind=AccessKind.EXPORT,
                    what=gettext_lazy("New enterprise accounts with one-time passwords"),
                    filters={gettext_lazy("Firms from"): source},
                    rows=len(created),
                )
                stamp = timezone.localtime(batch.created_at).strftime("%Y%m%d-%H%M%S")
                response["Content-Disposition"] = f'attachment; filename="enterprise-accounts-{stamp}.xlsx"'
                response["Cache-Control"] = "no-store"
                return response
    picker = _picker_context(request, user)
    status = 400 if problems or list_form.errors else 200
    return render(
        request, "firm_accounts/bulk.html", {"list_form": list_form, "problems": problems, **picker}, status=status
    )


def _picker_context(request, user) -> dict:
    q = request.GET.get("q", "").strip()[:100]
    county = request.GET.get("county", "")
    counties = list(scope_counties(County.objects.all(), user=user).order_by("code"))
    if county and county not in {c.code for c in counties}:
        raise Http404("No such county")
    without_account = request.GET.get("all") != "1"
    firms = Paginator(
        firms_for_accounts(user=user, q=q, county=county, without_account=without_account), PICKER_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "firms": firms,
        "q": q,
        "counties": counties,
        "county": county,
        "without_account": without_account,
        "querystring": query.urlencode(),
        "bulk_max": settings.ACCOUNT_BULK_MAX,
    }


@login_required
@require_POST
def one_time_password_issue_view(request, pk):
    """A new one-time password for an enterprise account of a firm in scope, shown once on the response."""
    account = firm_account_get(user=request.user, pk=pk)
    try:
        password = one_time_password_issue(account=account, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("enterprises:detail", credit_code=account.enterprise.credit_code)
    response = render(
        request, "firm_accounts/password_issued.html", {"account": account, "one_time_password": password}
    )
    response["Cache-Control"] = "no-store"
    return response
