from firm_accounts.models import AccountRequest, AccountRequestEvent, AccountRequestState
from firm_accounts.requests import new_reference
from tests.factories import EnterpriseFactory


def account_request(enterprise=None, **fields) -> AccountRequest:
    """A pending request with its submission event, for `enterprise` (a new registry firm by default); pass
    credit_code= and firm_name= for a firm outside the registry."""
    if enterprise is None and "credit_code" not in fields:
        enterprise = EnterpriseFactory()
    values = {
        "reference": new_reference(),
        "credit_code": enterprise.credit_code if enterprise else "",
        "firm_name": enterprise.name if enterprise else "",
        "contact_person": "王经理",
        "phone": "139 1234 5678",
        **fields,
    }
    created = AccountRequest.objects.create(**values)
    AccountRequestEvent.objects.create(request=created, from_state="", to_state=AccountRequestState.PENDING)
    return created
