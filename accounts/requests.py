"""Enterprise account requests (DESIGN §6): a firm asks online, staff in scope check it against the registry and
approve (creating the firm's account with a one-time password) or refuse with a reason.

Reads are scoped through accounts.scoping: a request joins the registry on its credit code, so county staff see
the requests of their county's firms only, and a request for a firm outside the registry reaches city staff only.
Writes go through one transition function, audited in the same transaction.
"""

import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.hashers import hash_one_time_password, one_time_password
from accounts.models import (
    ACCOUNT_REQUEST_TRANSITIONS,
    ACCOUNT_REVIEWER_ROLES,
    AccountRequest,
    AccountRequestEvent,
    AccountRequestState,
    Role,
    User,
)
from accounts.phones import validate_phone
from accounts.scoping import scope_to_user
from enterprises.credit_codes import validate_credit_code
from enterprises.models import Enterprise

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


def may_review_requests(user) -> bool:
    """City admin and staff everywhere, county staff in their county (the scope narrows where)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.role in ACCOUNT_REVIEWER_ROLES


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


@dataclass(frozen=True)
class Decision:
    request: AccountRequest
    user: User | None = None
    # Shown once to the reviewer, never stored: only its hash is kept on the user.
    one_time_password: str = ""


def _approve(locked: AccountRequest, actor, *, username: str, confirm_name_mismatch: bool):
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=locked.credit_code).first()
    if enterprise is None:
        raise ValidationError(
            _("The registry holds no firm with the credit code %(code)s: such a request can only be refused.")
            % {"code": locked.credit_code}
        )
    if normalize_firm_name(enterprise.name) != normalize_firm_name(locked.firm_name) and not confirm_name_mismatch:
        raise ValidationError(
            {
                "confirm_name_mismatch": _(
                    "The registry names this firm “%(registry)s”, the request “%(requested)s”. Confirm that they "
                    "are the same firm to approve."
                )
                % {"registry": enterprise.name, "requested": locked.firm_name}
            }
        )
    username = (username or "").strip() or suggested_username(locked)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The username “%(name)s” is taken.") % {"name": username}})
    password = one_time_password()
    user = User(
        username=username,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
        first_name=locked.contact_person[:150],
        phone=locked.phone,
        email=locked.email,
        must_change_password=True,
        password=hash_one_time_password(password),
    )
    user.full_clean(exclude=["password"])
    user.save()
    locked.user = user
    return user, password, ["user"], {"user": user.pk, "username": username, "enterprise": enterprise.pk}


def account_request_transition(
    *, account_request: AccountRequest, to: str, actor, username: str = "", reason: str = "",
    confirm_name_mismatch: bool = False,
) -> Decision:  # fmt: skip
    """The one way a request (from `request_list`) changes state, as ACCOUNT_REQUEST_TRANSITIONS allows and by
    the roles it names, with an append-only event in the same transaction. Approval creates the firm's account
    with a one-time password (returned once, in the Decision); refusal needs a reason."""
    if to not in AccountRequestState.values:
        raise ValidationError({"to": _("Unknown state.")})
    # Scope before anything else: a request outside it does not exist for this user.
    if not request_list(user=actor).filter(pk=account_request.pk).exists():
        raise Http404("No such account request")
    user, password = None, ""
    with transaction.atomic():
        locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
        allowed = ACCOUNT_REQUEST_TRANSITIONS[AccountRequestState(locked.state)]
        if to not in allowed:
            raise ValidationError(
                _("A request that is “%(state)s” cannot become “%(to)s”.")
                % {"state": AccountRequestState(locked.state).label, "to": AccountRequestState(to).label}
            )
        if not (actor.is_superuser or actor.role in allowed[to]):
            raise PermissionDenied
        if to == AccountRequestState.APPROVED:
            user, password, fields, data = _approve(
                locked, actor, username=username, confirm_name_mismatch=confirm_name_mismatch
            )
        else:
            reason = (reason or "").strip()
            if not reason:
                raise ValidationError({"reason": _("Give the reason for refusing; the firm will read it.")})
            locked.refusal_reason = reason
            fields, data = ["refusal_reason"], {"reason": reason}
        from_state = locked.state
        locked.state, locked.decided_by, locked.decided_at = to, actor, timezone.now()
        locked.save(update_fields=[*fields, "state", "decided_by", "decided_at"])
        AccountRequestEvent.objects.create(request=locked, from_state=from_state, to_state=to, data=data, actor=actor)
    for field in (*fields, "state", "decided_by", "decided_at"):
        setattr(account_request, field, getattr(locked, field))
    return Decision(request=account_request, user=user, one_time_password=password)
