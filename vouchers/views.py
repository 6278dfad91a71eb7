from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.scoping import scope_counties
from core.access import AccessKind, record_access
from core.pages import form_action, need, post_action, report_errors, stored_file_download
from enterprises.models import County, QualificationKind
from vouchers.exports import publicity_workbook
from vouchers.forms import (
    ClaimFilterForm,
    ClaimForm,
    DocumentForm,
    KindForm,
    PolicyForm,
    ProviderFilterForm,
    ProviderForm,
    TransitionForm,
)
from vouchers.models import ClaimParty, ClaimStatus, VoucherBudget, VoucherKind
from vouchers.permissions import (
    can_claim,
    can_edit_providers,
    is_city_reviewer,
    is_policy_admin,
    may_see_vouchers,
    parties_of,
    reads_as_firm,
    reviewer_party,
    sees_city_voucher_pages,
)
from vouchers.selectors import (
    CHECK_LABELS,
    OPEN_CLAIM_STATUSES,
    attach_checks,
    budget_for,
    claim_documents,
    claim_events,
    claim_get,
    claim_list,
    document_checklist,
    document_get,
    max_subsidy,
    missing_documents,
    policies_open_for_claims,
    policy_get,
    policy_list,
    provider_get,
    provider_list,
    publicity_list,
    quota_for,
    quotas_for,
    review_queue,
)
from vouchers.services import (
    claim_create,
    claim_update,
    document_add,
    document_delete,
    kind_save,
    policy_open,
    policy_update,
    provider_save,
)
from vouchers.workflows import COMMENT_REQUIRED, allowed_moves, claim_transition

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The button each move gets on the claim page, and whether it asks for a comment.
MOVE_BUTTONS = {
    ClaimStatus.SUBMITTED: ("btn-primary", gettext_lazy("Submit")),
    ClaimStatus.COUNTY_APPROVED: ("btn-success", gettext_lazy("Approve (county)")),
    ClaimStatus.CITY_APPROVED: ("btn-success", gettext_lazy("Approve (city)")),
    ClaimStatus.PUBLICITY: ("btn-info", gettext_lazy("Start public notice")),
    ClaimStatus.PAID: ("btn-success", gettext_lazy("Mark paid")),
    ClaimStatus.RETURNED: ("btn-warning", gettext_lazy("Return for changes")),
    ClaimStatus.REJECTED: ("btn-danger", gettext_lazy("Reject")),
    ClaimStatus.WITHDRAWN: ("btn-outline-secondary", gettext_lazy("Withdraw")),
}


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@require_GET
def index_view(request):
    """Each role lands on its voucher work: a firm on its claims, reviewers on their queue, leaders on the list."""
    user = request.user
    need(may_see_vouchers(user))
    if can_claim(user):
        return redirect("vouchers:my-claims")
    if reviewer_party(user):
        return redirect("vouchers:queue")
    return redirect("vouchers:claims")


# ---------------------------------------------------------------------------------------------------------------
# The enterprise


@login_required
@require_GET
def my_claims_view(request):
    """The firm's claims and its quota for each year open for claims."""
    need(can_claim(request.user))
    today = timezone.localdate()
    quotas = quotas_for(enterprise_id=request.user.enterprise_id, policies=policies_open_for_claims(on=today))
    # `?status=open`: the claims still under way.
    show_open = request.GET.get("status") == "open"
    claims = claim_list(user=request.user, status=list(OPEN_CLAIM_STATUSES) if show_open else None)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "quotas": quotas, "show_open": show_open, "querystring": "status=open" if show_open else "",
    }  # fmt: skip
    return render(request, "vouchers/my_claims.html", context)


def _present_kinds(documents) -> set[str]:
    return {document.kind for document in documents}


def _chosen_kind(form) -> VoucherKind | None:
    """The kind the form shows (the one posted, or the claim's), or None before the firm chooses one."""
    if form.is_bound:
        return getattr(form, "cleaned_data", {}).get("kind")
    return form.initial.get("kind")


def _claim_form_context(request, form, policy, claim=None):
    quota = quota_for(enterprise_id=request.user.enterprise_id, policy=policy)
    present = _present_kinds(claim_documents(claim=claim)) if claim else set()
    kind = _chosen_kind(form)
    # Choosing another kind swaps in its checklist (htmx; the page works without it, showing the posted kind's).
    query = urlencode({"claim": claim.pk} if claim else {"year": policy.year})
    form.fields["kind"].widget.attrs.update({
        "hx-get": f"{reverse('vouchers:claim-checklist')}?{query}", "hx-trigger": "change",
        "hx-target": "#document-checklist", "hx-swap": "outerHTML", "aria-controls": "document-checklist",
    })  # fmt: skip
    return {
        "form": form, "policy": policy, "claim": claim, "quota": quota, "checklist_kind": kind,
        "checklist": document_checklist(policy=policy, kind=kind, present=present),
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def claim_new_view(request):
    need(can_claim(request.user))
    open_policies = list(policies_open_for_claims(on=timezone.localdate()).prefetch_related("kinds"))
    if not open_policies:
        messages.error(request, _("No voucher year is open for claims now."))
        return redirect("vouchers:my-claims")
    wanted = request.GET.get("year") or request.POST.get("year")
    policy = next((p for p in open_policies if str(p.year) == wanted), open_policies[0])
    form = ClaimForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_create(actor=request.user, policy=policy, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Attach the documents, then submit."))
            return redirect("vouchers:claim", pk=claim.pk)
    context = _claim_form_context(request, form, policy)
    context["open_policies"] = open_policies
    return render(request, "vouchers/claim_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def claim_edit_view(request, pk):
    claim = claim_get(user=request.user, pk=pk)
    need(ClaimParty.ENTERPRISE in parties_of(request.user, claim) and claim.is_editable)
    initial = {name: getattr(claim, name) for name in ClaimForm.base_fields}
    form = ClaimForm(request.POST or None, initial=initial, policy=claim.policy, current_kind=claim.kind)
    if request.method == "POST" and form.is_valid():
        try:
            claim_update(claim=claim, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Claim saved."))
            return redirect("vouchers:claim", pk=claim.pk)
    return render(request, "vouchers/claim_form.html", _claim_form_context(request, form, claim.policy, claim))


@login_required
@require_GET
def claim_checklist_view(request):
    """The checklist of the claim form for the kind just chosen (htmx swaps it in when the kind changes)."""
    need(can_claim(request.user))
    claim = None
    if (claim_id := request.GET.get("claim", "")).isdigit():
        claim = claim_get(user=request.user, pk=int(claim_id))
        policy = claim.policy
    else:
        policy = policy_get(year=_year(request.GET.get("year")) or 0)
    kind_id = request.GET.get("kind", "")
    kind = VoucherKind.objects.filter(policy=policy, pk=kind_id).first() if kind_id.isdigit() else None
    present = _present_kinds(claim_documents(claim=claim)) if claim else set()
    return render(request, "vouchers/_checklist.html", {
        "checklist": document_checklist(policy=policy, kind=kind, present=present), "checklist_kind": kind,
    })  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# The claim page


@login_required
@require_GET
def claim_view(request, pk):
    """A claim with its documents, checks (for reviewers), timeline and the moves the user may take."""
    user = request.user
    claim = claim_get(user=user, pk=pk)
    parties = parties_of(user, claim)
    is_firm = ClaimParty.ENTERPRISE in parties
    as_firm = reads_as_firm(user)
    moves = [(status, *MOVE_BUTTONS[status], status in COMMENT_REQUIRED) for status in allowed_moves(user, claim)]
    documents = list(claim_documents(claim=claim))
    can_edit = is_firm and claim.is_editable
    context = {
        "claim": claim,
        "is_firm": is_firm,
        "as_firm": as_firm,
        "status_label": claim.public_status if as_firm else claim.get_status_display(),
        "documents": documents,
        "events": claim_events(claim=claim),
        "moves": moves,
        "can_edit": can_edit,
        "document_form": None,
        "ceiling": max_subsidy(expense=claim.eligible_expense, ratio=claim.kind.subsidy_ratio),
    }
    if is_firm:
        context["quota"] = quota_for(enterprise_id=claim.enterprise_id, policy=claim.policy)
    if can_edit:
        # The firm's checklist beside its upload form, which offers the first document still missing.
        present = _present_kinds(documents)
        context["checklist"] = document_checklist(policy=claim.policy, kind=claim.kind, present=present)
        context["checklist_kind"] = claim.kind
        missing = missing_documents(policy=claim.policy, kind=claim.kind, present=present)
        context["document_form"] = DocumentForm(initial={"kind": missing[0]} if missing else {})
    if not as_firm:
        attach_checks([claim])
        context["show_checks"] = True
    return render(request, "vouchers/claim.html", context)


@login_required
@require_POST
def claim_transition_view(request, pk):
    claim = claim_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect("vouchers:claim", pk=claim.pk)
    to = form.cleaned_data["to"]
    try:
        claim_transition(claims=[claim], to=to, actor=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("Claim %(reference)s: %(status)s.") % {
            "reference": claim.reference, "status": ClaimStatus(to).label})  # fmt: skip
        if to in (ClaimStatus.COUNTY_APPROVED, ClaimStatus.CITY_APPROVED) or (
            to in (ClaimStatus.RETURNED, ClaimStatus.REJECTED) and not reads_as_firm(request.user)
        ):
            return redirect("vouchers:queue")
    return redirect("vouchers:claim", pk=claim.pk)


@login_required
@require_POST
def document_upload_view(request, pk):
    claim = claim_get(user=request.user, pk=pk)
    return form_action(
        request,
        DocumentForm(request.POST, request.FILES),
        lambda data: document_add(
            claim=claim,
            actor=request.user,
            kind=data["kind"],
            uploaded_file=data["file"],
            invoice_number=data["invoice_number"],
        ),
        success=_("Document attached."),
        then=reverse("vouchers:claim", args=[claim.pk]),
    )


@login_required
@require_GET
def document_download_view(request, pk):
    """A document, only to users who may see its claim (404 for anyone else)."""
    document = document_get(user=request.user, pk=pk)
    return stored_file_download(
        request,
        document.file,
        content_type=document.content_type,
        filename=document.original_name,
        what=gettext_lazy("A voucher claim's document"),
        subject=f"{document.claim.reference} · {document.get_kind_display()} · {document.original_name}",
    )


@login_required
@require_POST
def document_delete_view(request, pk):
    document = document_get(user=request.user, pk=pk)
    return post_action(
        request,
        lambda: document_delete(document=document, actor=request.user),
        success=_("Document removed."),
        then=reverse("vouchers:claim", args=[document.claim_id]),
    )


# ---------------------------------------------------------------------------------------------------------------
# Staff and leaders


def _counties(user):
    return scope_counties(County.objects.all(), user=user).order_by("code")


@login_required
@require_GET
def queue_view(request):
    """The claims waiting for the user's review, with the checks (6 queries whatever the page length)."""
    party = reviewer_party(request.user)
    need(party is not None)
    county = request.GET.get("county") or None
    queryset = review_queue(user=request.user, county=county)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_checks(page.object_list)
    return render(request, "vouchers/queue.html", {
        "page": page, "party": party, "county": county, "counties": _counties(request.user),
        "check_labels": CHECK_LABELS,
    })  # fmt: skip


@login_required
@require_GET
def claims_view(request):
    """Every claim in scope, filtered (staff and leaders; a firm has its own page)."""
    need(may_see_vouchers(request.user))
    if can_claim(request.user):
        return redirect("vouchers:my-claims")
    form = ClaimFilterForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    queryset = claim_list(
        user=request.user, status=form.statuses(), year=params.get("year"),
        county=params.get("county") or None, kind=params.get("kind") or None, q=params.get("q") or None,
    )  # fmt: skip
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "vouchers/claims.html", {
        "page": page, "form": form, "counties": _counties(request.user), "querystring": query.urlencode(),
    })  # fmt: skip


def _year(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def publicity_view(request):
    """City-approved claims: start the public notice, mark paid in bulk, export the notice list."""
    user = request.user
    need(sees_city_voucher_pages(user))
    year = _year(request.GET.get("year") or request.POST.get("year"))
    if request.method == "POST":
        need(is_city_reviewer(user))
        to = request.POST.get("to")
        if to not in (ClaimStatus.PUBLICITY, ClaimStatus.PAID):
            raise Http404
        ids = [int(value) for value in request.POST.getlist("claim") if value.isdigit()]
        claims = list(publicity_list(user=user).filter(pk__in=ids))
        back = f"{request.path}?year={year}" if year else request.path
        if not claims:
            messages.error(request, _("Tick the claims first."))
            return redirect(back)
        return post_action(
            request,
            lambda: claim_transition(claims=claims, to=to, actor=user),
            success=_("%(count)s claims: %(status)s.") % {"count": len(claims), "status": ClaimStatus(to).label},
            then=back,
        )
    if request.GET.get("format") == "xlsx":
        claims = list(publicity_list(user=user, year=year, status=ClaimStatus.PUBLICITY))
        stamp = timezone.localtime().strftime("%Y%m%d")
        content = publicity_workbook(claims, year=year)
        record_access(request=request, kind=AccessKind.EXPORT, what=gettext_lazy("Voucher public notice list"),
                      filters={gettext_lazy("Year"): year or gettext_lazy("All years")}, rows=len(claims))  # fmt: skip
        return FileResponse(content, as_attachment=True, filename=f"创新券公示名单-{stamp}.xlsx",
                            content_type=XLSX)  # fmt: skip
    claims = list(publicity_list(user=user, year=year))
    return render(request, "vouchers/publicity.html", {
        "to_publish": [c for c in claims if c.status == ClaimStatus.CITY_APPROVED],
        "in_notice": [c for c in claims if c.status == ClaimStatus.PUBLICITY],
        "year": year, "may_act": is_city_reviewer(user),
        "budget": budget_for(year=year) if year else None,
    })  # fmt: skip


# ---------------------------------------------------------------------------------------------------------------
# Policy per year


@login_required
@require_http_methods(["GET", "POST"])
def policies_view(request):
    need(sees_city_voucher_pages(request.user))
    if request.method == "POST":
        need(is_policy_admin(request.user))
        return post_action(
            request,
            lambda: policy_open(year=_year(request.POST.get("year")) or 0, actor=request.user),
            success=lambda policy: _("Voucher policy %(year)s opened with the default rules.") % {"year": policy.year},
            then=lambda policy: reverse("vouchers:policy", kwargs={"year": policy.year}),
            failed=reverse("vouchers:policies"),
        )
    policies = policy_list()
    budgets = {budget.year: budget for budget in VoucherBudget.objects.all()}
    for policy in policies:
        policy.budget = budgets.get(policy.year)
    return render(request, "vouchers/policies.html", {
        "policies": policies, "may_edit": is_policy_admin(request.user), "this_year": timezone.localdate().year,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def policy_view(request, year):
    need(sees_city_voucher_pages(request.user))
    policy = policy_get(year=year)
    may_edit = is_policy_admin(request.user)
    initial = {name: getattr(policy, name) for name in PolicyForm.base_fields}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        need(may_edit)
        if form.is_valid():
            try:
                policy_update(policy=policy, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Policy saved."))
                return redirect("vouchers:policy", year=year)
    labels = dict(QualificationKind.choices)
    return render(request, "vouchers/policy.html", {
        "policy": policy, "form": form, "may_edit": may_edit, "kind_form": KindForm(),
        "eligible_labels": [labels.get(kind, kind) for kind in policy.eligible_qualifications],
        "budget": budget_for(year=year),
    })  # fmt: skip


@login_required
@require_POST
def kind_save_view(request, year, pk=None):
    need(is_policy_admin(request.user))
    policy = policy_get(year=year)
    kind = None
    if pk is not None:
        kind = VoucherKind.objects.filter(policy=policy, pk=pk).first()
        if kind is None:
            raise Http404
    return form_action(
        request,
        KindForm(request.POST),
        lambda data: kind_save(policy=policy, actor=request.user, kind=kind, **data),
        success=_("Voucher kind saved."),
        then=reverse("vouchers:policy", kwargs={"year": year}),
    )


# ---------------------------------------------------------------------------------------------------------------
# Provider registry


@login_required
@require_GET
def providers_view(request):
    """The registry of providers, searchable (everyone signed in reads it; city staff edit it)."""
    form = ProviderFilterForm(request.GET)
    params = form.cleaned_data if form.is_valid() else {}
    queryset = provider_list(
        q=params.get("q") or "", kind=params.get("kind") or "", status=params.get("status") or "",
        field_=params.get("field") or "",
    )  # fmt: skip
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "vouchers/providers.html", {
        "page": page, "form": form, "may_edit": can_edit_providers(request.user), "querystring": query.urlencode(),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def provider_edit_view(request, pk=None):
    need(can_edit_providers(request.user))
    provider = provider_get(pk=pk) if pk is not None else None
    initial = {name: getattr(provider, name) for name in ProviderForm.base_fields} if provider else {}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            provider_save(actor=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Provider saved."))
            return redirect("vouchers:providers")
    return render(request, "vouchers/provider_form.html", {"form": form, "provider": provider})
