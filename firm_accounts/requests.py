"""Enterprise account requests (DESIGN §6): a firm asks online, staff in scope check it against the registry and
approve (creating the firm's account with a one-time password) or refuse with a reason.

Reads are scoped through accounts.scoping: a request joins the registry on its credit code, so county staff see
the requests of their county's firms only, and a request for a firm outside the registry reaches city staff only.
Writes go through one transition function, audited in the same transaction.
"""

import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.scoping import scope_to_user
from enterprises.credit_codes import validate_credit_code
from firm_accounts.models import (
    AccountRequest,
    AccountRequestEvent,
    AccountRequestState,
)
from firm_accounts.permissions import may_review_requests
from firm_accounts.phones import validate_phone

# No 0/O, 1/I: a reference is read out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "AR"
REFERENCE_RANDOM_LENGTH = 10  # 32**10 ≈ 10**15: not guessable, so the reference alone opens the status page

# Public labels where the internal word would say too much or too little.
PUBLIC_STATE_LABELS = {
    AccountRequestState.PENDING: _("Waiting for review by the county S&T bureau"),
    AccountRequestState.APPROVED: _("Approved: your account has been created"),
    AccountRequestState.REFUSED: _("Refused"),
}


def normalize_firm_name(name: str) -> str:
    """For comparing names: full-width to half-width (brackets included), no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", str(name or "")).split()).casefold()


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_RANDOM_LENGTH))


def normalize_reference(raw: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(raw or "")).split()).upper()


# ---------------------------------------------------------------------------------------------------------------
# Reads


@dataclass(frozen=True)
class RegistryCheck:
    """What the registry says about a request's firm, shown to the reviewer."""

    in_registry: bool
    registry_name: str
    name_matches: bool
    county_name: str
    firm_users: int

    @property
    def may_approve(self) -> bool:
        return self.in_registry


def registry_check(account_request: AccountRequest) -> RegistryCheck:
    """From a row of `request_list` (registry firm joined, `firm_users` annotated): no query."""
    enterprise = account_request.enterprise
    if enterprise is None:
        return RegistryCheck(False, "", False, "", 0)
    return RegistryCheck(
        in_registry=True,
        registry_name=enterprise.name,
        name_matches=normalize_firm_name(enterprise.name) == normalize_firm_name(account_request.firm_name),
        county_name=enterprise.county.name,
        firm_users=account_request.firm_users,
    )


def request_list(*, user, state: str | None = None, county: str | None = None, q: str = "") -> QuerySet:
    """Requests `user` may review, with the registry firm, its county and its number of users (one query)."""
    if not may_review_requests(user):
        return AccountRequest.objects.none()
    queryset = scope_to_user(AccountRequest.objects.all(), user=user, enterprise_path="enterprise")
    if state:
        queryset = queryset.filter(state=state)
    if county == "none":
        queryset = queryset.filter(enterprise__isnull=True)
    elif county:
        queryset = queryset.filter(enterprise__county__code=county)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(
            Q(firm_name__icontains=q) | Q(credit_code__icontains=q) | Q(reference__iexact=normalize_reference(q))
        )
    firm_users = (
        User.objects.filter(enterprise_id=OuterRef("enterprise__id"))
        .order_by()
        .values("enterprise_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.select_related("enterprise__county", "decided_by", "user").annotate(
        firm_users=Coalesce(Subquery(firm_users, output_field=IntegerField()), Value(0))
    )


def request_get(*, user, pk: int) -> AccountRequest:
    try:
        return request_list(user=user).get(pk=pk)
    except AccountRequest.DoesNotExist:
        raise Http404("No such account request") from None


def request_by_reference(*, reference: str) -> AccountRequest | None:
    """The public status lookup: whoever holds the reference may see the state of that one request."""
    reference = normalize_reference(reference)
    if not reference:
        return None
    return AccountRequest.objects.filter(reference=reference).first()


def suggested_username(account_request: AccountRequest) -> str:
    """The firm's credit code, numbered when the firm (or anyone) already uses it."""
    base = account_request.credit_code
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# ---------------------------------------------------------------------------------------------------------------
# Writes


def _required(data: dict, key: str, label, max_length: int, errors: dict) -> str:
    value = " ".join(str(data.get(key) or "").split())
    if not value:
        errors[key] = [_("Give the %(what)s.") % {"what": label}]
    elif len(value) > max_length:
        errors[key] = [_("At most %(count)d characters.") % {"count": max_length}]
    return value


def account_request_submit(
    *, credit_code: str, firm_name: str, contact_person: str, phone: str, email: str = ""
) -> AccountRequest:
    """Store a firm's request (public, no actor); at most one pending request per credit code."""
    data = {"firm_name": firm_name, "contact_person": contact_person}
    errors = {}
    try:
        code = validate_credit_code(credit_code)
    except ValidationError as error:
        errors["credit_code"] = error.messages
        code = ""
    firm_name = _required(data, "firm_name", _("firm name"), 200, errors)
    contact_person = _required(data, "contact_person", _("contact person"), 50, errors)
    try:
        phone = validate_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("“%(value)s” is not an e-mail address.") % {"value": email}]
    already = _("A request for this firm is already waiting for review. Check its state with the reference you got.")
    if code and AccountRequest.objects.filter(credit_code=code, state=AccountRequestState.PENDING).exists():
        errors["credit_code"] = [already]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            account_request = AccountRequest.objects.create(
                reference=new_reference(),
                credit_code=code,
                firm_name=firm_name,
                contact_person=contact_person,
                phone=phone,
                email=email,
            )
            AccountRequestEvent.objects.create(
                request=account_request, from_state="", to_state=AccountRequestState.PENDING, actor=None
            )
    except IntegrityError:
        # Two submissions for the same firm at once: the partial unique constraint let one through.
        if AccountRequest.objects.filter(credit_code=code, state=AccountRequestState.PENDING).exists():
            raise ValidationError({"credit_code": [already]}) from None
        raise
    return account_request
