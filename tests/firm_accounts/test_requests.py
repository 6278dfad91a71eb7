import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import translation

from accounts.models import Role, User
from enterprises.credit_codes import make_credit_code
from firm_accounts.models import AccountRequest, AccountRequestEvent, AccountRequestState
from firm_accounts.requests import (
    account_request_submit,
    normalize_firm_name,
    registry_check,
    request_get,
    request_list,
)
from firm_accounts.workflows import ACCOUNT_REQUEST_TRANSITIONS, account_request_transition
from tests import factories
from tests.firm_accounts.factories import account_request

UNKNOWN_CODE = make_credit_code("91410400MA0000001")
DECISION_DATA = {
    AccountRequestState.APPROVED: {},
    AccountRequestState.REFUSED: {"reason": "联系人无法核实"},
    AccountRequestState.PENDING: {},
}


def _submit(**overrides):
    values = {
        "credit_code": factories.EnterpriseFactory().credit_code,
        "firm_name": "平顶山某某科技有限公司",
        "contact_person": "李四",
        "phone": "13912345678",
    }
    values.update(overrides)
    with translation.override("en"):
        return account_request_submit(**values)


def _decided(start, actor):
    """A request in state `start`, reached through the transition function."""
    request = account_request()
    if start != AccountRequestState.PENDING:
        account_request_transition(account_request=request, to=start, actor=actor, **DECISION_DATA[start])
    return request


def test_submit_stores_a_pending_request_with_its_event(db):
    firm = factories.EnterpriseFactory()
    request = _submit(credit_code=f" {firm.credit_code.lower()} ", phone="0375-2345678", email="li@example.cn")
    assert request.state == AccountRequestState.PENDING
    assert request.credit_code == firm.credit_code
    assert request.phone == "0375 234 5678"
    assert request.reference.startswith("AR") and len(request.reference) == 12
    event = request.events.get()
    assert (event.from_state, event.to_state, event.actor) == ("", AccountRequestState.PENDING, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91410402MA45X7Y8Z", "has 18 characters"),
        ("credit_code", "914104020000000001", "check character"),
        ("credit_code", "", "empty"),
        ("phone", "12345", "not a mainland China phone number"),
        ("phone", "400-123-4567", "not a mobile or landline"),
        ("phone", "852 9123 4567", "not a mainland China phone number"),
        ("firm_name", "   ", "Give the firm name"),
        ("contact_person", "", "Give the contact person"),
        ("email", "not-an-address", "not an e-mail address"),
    ],
)
def test_submit_refuses_bad_values_and_stores_nothing(db, field, value, message):
    with pytest.raises(ValidationError) as caught:
        _submit(**{field: value})
    assert message in " ".join(caught.value.message_dict[field])
    assert not AccountRequest.objects.exists()
    assert not AccountRequestEvent.objects.exists()


def test_submit_refuses_a_second_pending_request_for_the_same_firm(db):
    first = _submit()
    with pytest.raises(ValidationError) as caught:
        _submit(credit_code=first.credit_code, contact_person="另一个人")
    with translation.override("en"):  # the message is lazy: read it in English too
        assert "already waiting for review" in caught.value.message_dict["credit_code"][0]
    assert AccountRequest.objects.count() == 1


def test_one_pending_request_per_firm_is_a_database_constraint(db):
    first = account_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        account_request(credit_code=first.credit_code, firm_name="x")


def test_a_refused_firm_may_request_again(db, reviewers):
    first = _submit()
    account_request_transition(account_request=first, to="refused", actor=reviewers["city"], reason="wrong phone")
    again = _submit(credit_code=first.credit_code)
    assert again.state == AccountRequestState.PENDING


@pytest.mark.parametrize("start", list(AccountRequestState))
@pytest.mark.parametrize("to", list(AccountRequestState))
def test_transitions_table(db, reviewers, start, to):
    actor = reviewers["city"]
    request = _decided(start, actor)
    before = AccountRequest.objects.filter(pk=request.pk).values().get()
    events, users = AccountRequestEvent.objects.count(), User.objects.count()
    if to in ACCOUNT_REQUEST_TRANSITIONS[start]:
        account_request_transition(account_request=request, to=to, actor=actor, **DECISION_DATA[to])
        stored = AccountRequest.objects.get(pk=request.pk)
        assert (stored.state, stored.decided_by) == (to, actor)
        event = AccountRequestEvent.objects.latest("id")
        assert (event.from_state, event.to_state, event.actor) == (start, to, actor)
        assert AccountRequestEvent.objects.count() == events + 1
    else:
        with pytest.raises(ValidationError):
            account_request_transition(account_request=request, to=to, actor=actor, **DECISION_DATA[to])
        assert AccountRequest.objects.filter(pk=request.pk).values().get() == before
        assert AccountRequestEvent.objects.count() == events
        assert User.objects.count() == users


def test_approval_creates_an_enterprise_user_bound_to_the_firm(db, reviewers, log_in_as):
    firm = factories.EnterpriseFactory(county=factories.county("410402"))
    request = account_request(firm, email="boss@example.cn")
    decision = account_request_transition(account_request=request, to="approved", actor=reviewers["xinhua"])
    user = decision.user
    assert (user.role, user.enterprise, user.username) == (Role.ENTERPRISE, firm, firm.credit_code)
    assert (user.first_name, user.phone, user.email) == ("王经理", "139 1234 5678", "boss@example.cn")
    assert user.must_change_password
    assert user.password.startswith("pbkdf2_sha256_onetime$")
    assert decision.one_time_password not in user.password
    assert log_in_as(user.username, decision.one_time_password) == user
    stored = AccountRequest.objects.get(pk=request.pk)
    assert (stored.user, stored.decided_by) == (user, reviewers["xinhua"])
    assert stored.events.latest("id").data == {"user": user.pk, "username": user.username, "enterprise": firm.pk}


def test_approval_takes_the_reviewers_username_and_refuses_a_taken_one(db, reviewers):
    request = account_request()
    factories.make_user(Role.CITY_STAFF, username="taken")
    with pytest.raises(ValidationError) as caught:
        account_request_transition(account_request=request, to="approved", actor=reviewers["city"], username="taken")
    assert "username" in caught.value.message_dict
    assert AccountRequest.objects.get(pk=request.pk).state == AccountRequestState.PENDING
    decision = account_request_transition(
        account_request=request, to="approved", actor=reviewers["city"], username="firm-boss"
    )
    assert decision.user.username == "firm-boss"


def test_a_second_account_for_a_firm_gets_a_numbered_username(db, reviewers):
    firm = factories.EnterpriseFactory()
    first = account_request_transition(account_request=account_request(firm), to="approved", actor=reviewers["city"])
    second = account_request_transition(account_request=account_request(firm), to="approved", actor=reviewers["city"])
    assert (first.user.username, second.user.username) == (firm.credit_code, f"{firm.credit_code}-2")


def test_approval_of_a_differently_named_firm_needs_confirmation(db, reviewers):
    firm = factories.EnterpriseFactory(name="平顶山市鹰城科技有限公司")
    request = account_request(firm, firm_name="鹰城科技")
    with pytest.raises(ValidationError) as caught:
        account_request_transition(account_request=request, to="approved", actor=reviewers["city"])
    assert "confirm_name_mismatch" in caught.value.message_dict
    assert not User.objects.filter(enterprise=firm).exists()
    account_request_transition(
        account_request=request, to="approved", actor=reviewers["city"], confirm_name_mismatch=True
    )
    assert User.objects.filter(enterprise=firm).count() == 1


def test_names_differing_only_in_width_and_spaces_match(db):
    assert normalize_firm_name("平顶山（鹰城）科技 有限公司") == normalize_firm_name("平顶山(鹰城)科技有限公司")


def test_a_request_for_a_firm_outside_the_registry_cannot_be_approved(db, reviewers):
    request = account_request(credit_code=UNKNOWN_CODE, firm_name="不存在的公司")
    with pytest.raises(ValidationError):
        account_request_transition(account_request=request, to="approved", actor=reviewers["city"])
    assert AccountRequest.objects.get(pk=request.pk).state == AccountRequestState.PENDING
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()
    account_request_transition(account_request=request, to="refused", actor=reviewers["city"], reason="不在名录")
    assert AccountRequest.objects.get(pk=request.pk).state == AccountRequestState.REFUSED


@pytest.mark.parametrize("reason", ["", "   "])
def test_refusal_needs_a_reason(db, reviewers, reason):
    request = account_request()
    with pytest.raises(ValidationError) as caught:
        account_request_transition(account_request=request, to="refused", actor=reviewers["city"], reason=reason)
    assert "reason" in caught.value.message_dict
    assert AccountRequest.objects.get(pk=request.pk).state == AccountRequestState.PENDING
    assert request.events.count() == 1


def test_a_refusal_without_reason_is_also_refused_by_the_database(db, reviewers):
    request = account_request()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountRequest.objects.filter(pk=request.pk).update(
            state=AccountRequestState.REFUSED, decided_by=reviewers["city"], decided_at=request.submitted_at
        )


def test_county_staff_neither_see_nor_decide_another_countys_requests(db, two_counties, reviewers):
    home = account_request(two_counties["home"][0])
    away = account_request(two_counties["away"][0])
    unknown = account_request(credit_code=UNKNOWN_CODE, firm_name="不存在的公司")
    staff = reviewers["xinhua"]
    assert list(request_list(user=staff)) == [home]
    assert {r.pk for r in request_list(user=reviewers["city"])} == {home.pk, away.pk, unknown.pk}
    for other in (away, unknown):
        with pytest.raises(Http404):
            request_get(user=staff, pk=other.pk)
        for to, data in (("approved", {}), ("refused", {"reason": "no"})):
            with pytest.raises(Http404):
                account_request_transition(account_request=other, to=to, actor=staff, **data)
        assert AccountRequest.objects.get(pk=other.pk).state == AccountRequestState.PENDING
    assert not User.objects.filter(role=Role.ENTERPRISE).exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.ENTERPRISE])
def test_other_roles_cannot_decide(db, role):
    firm = factories.EnterpriseFactory()
    request = account_request(firm)
    actor = factories.make_user(role, enterprise=firm if role == Role.ENTERPRISE else None)
    assert not request_list(user=actor).exists()
    with pytest.raises((Http404, PermissionDenied)):
        account_request_transition(account_request=request, to="approved", actor=actor)
    assert AccountRequest.objects.get(pk=request.pk).state == AccountRequestState.PENDING


def test_registry_check_reads_the_registry_as_it_is_now(db, reviewers):
    request = account_request(credit_code=UNKNOWN_CODE, firm_name="后来入库的公司")
    check = registry_check(request_get(user=reviewers["city"], pk=request.pk))
    assert (check.in_registry, check.may_approve) == (False, False)
    firm = factories.EnterpriseFactory(
        credit_code=UNKNOWN_CODE, name="后来入库的公司", county=factories.county("410402")
    )
    factories.make_user(Role.ENTERPRISE, enterprise=firm)
    check = registry_check(request_get(user=reviewers["xinhua"], pk=request.pk))
    assert (check.in_registry, check.name_matches, check.county_name, check.firm_users) == (True, True, "新华区", 1)


def test_request_events_are_append_only(db):
    event = account_request().events.get()
    with pytest.raises(ValueError):
        event.save()
