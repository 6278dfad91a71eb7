"""The account-request workflow: its allowed moves and the one function that takes them (DESIGN §6)."""

from dataclasses import dataclass

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.hashers import hash_one_time_password, one_time_password
from accounts.models import Role, User
from core.exceptions import check_move
from enterprises.models import Enterprise
from firm_accounts.models import AccountRequest, AccountRequestEvent, AccountRequestState
from firm_accounts.permissions import may_review_requests
from firm_accounts.requests import normalize_firm_name, request_list, suggested_username

# The only allowed moves and who may take each (`account_request_transition`). Approved and refused are final: a
# refused firm sends a new request.
ACCOUNT_REQUEST_TRANSITIONS = {
    AccountRequestState.PENDING: {
        AccountRequestState.APPROVED: may_review_requests,
        AccountRequestState.REFUSED: may_review_requests,
    },
    AccountRequestState.APPROVED: {},
    AccountRequestState.REFUSED: {},
}


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
    those it names, with an append-only event in the same transaction. Approval creates the firm's account
    with a one-time password (returned once, in the Decision); refusal needs a reason."""
    if to not in AccountRequestState.values:
        raise ValidationError({"to": _("Unknown state.")})
    # Scope before anything else: a request outside it does not exist for this user.
    if not request_list(user=actor).filter(pk=account_request.pk).exists():
        raise Http404("No such account request")
    user, password = None, ""
    with transaction.atomic():
        locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
        check_move(
            table=ACCOUNT_REQUEST_TRANSITIONS,
            current=AccountRequestState(locked.state),
            to=AccountRequestState(to),
            may=lambda who: who(actor),
            thing=str(AccountRequest._meta.verbose_name),
            state=AccountRequestState(locked.state).label,
            not_allowed=lambda: ValidationError(
                _("A request that is “%(state)s” cannot become “%(to)s”.")
                % {"state": AccountRequestState(locked.state).label, "to": AccountRequestState(to).label}
            ),
        )
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
