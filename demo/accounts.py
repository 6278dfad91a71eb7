"""Demo account requests, so that a new person finds the reviewers' queue with something to review."""

import random
import re

from django.utils import timezone

from accounts.models import User
from enterprises.credit_codes import make_credit_code
from enterprises.models import Enterprise
from firm_accounts.models import AccountBatch, AccountRequest, AccountRequestEvent, AccountRequestState
from firm_accounts.requests import REFERENCE_ALPHABET, REFERENCE_PREFIX, REFERENCE_RANDOM_LENGTH

DEMO_CONTACTS = ("王经理", "李会计", "张主任", "赵总", "刘工")
DEMO_PHONES = ("139 3751 2001", "0375 293 1002", "138 3751 2003", "0375 601 2004", "137 3751 2005")


def clear_account_requests() -> None:
    """Requests and batches refer to users and firms the demo reset deletes."""
    AccountRequest.objects.all().delete()
    AccountBatch.objects.all().delete()


def seed_account_requests(*, seed: int = 2026) -> int:
    """Pending requests in 新华区 (one with the registry's name, one with a shorter name, one for a firm that
    already has an account) and 汝州市, one for a firm outside the registry, and one refused."""
    rng = random.Random(seed)
    firms_with_users = set(User.objects.filter(enterprise__isnull=False).values_list("enterprise_id", flat=True))
    xinhua = list(Enterprise.objects.filter(county__code="410402").exclude(pk__in=firms_with_users).order_by("pk")[:2])
    ruzhou = list(Enterprise.objects.filter(county__code="410482").exclude(pk__in=firms_with_users).order_by("pk")[:1])
    picks = [(firm, firm.name) for firm in xinhua + ruzhou]
    if len(xinhua) > 1:  # the short name a contact person types, which the reviewer must confirm
        picks[1] = (xinhua[1], re.sub(r"^平顶山市?|(股份)?有限(责任)?公司$", "", xinhua[1].name))
    with_account = Enterprise.objects.filter(pk__in=firms_with_users, county__code="410402").order_by("pk").first()
    if with_account:
        picks.append((with_account, with_account.name))
    rows = [(firm.credit_code, name) for firm, name in picks]
    rows.append((make_credit_code("91410400MA9DEM201"), "平顶山市尚未入库科技有限公司"))
    now = timezone.now()
    created = []
    for index, (credit_code, firm_name) in enumerate(rows):
        created.append(
            AccountRequest(
                reference=REFERENCE_PREFIX + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(
                    REFERENCE_RANDOM_LENGTH)),
                credit_code=credit_code,
                firm_name=firm_name,
                contact_person=DEMO_CONTACTS[index % len(DEMO_CONTACTS)],
                phone=DEMO_PHONES[index % len(DEMO_PHONES)],
            )
        )  # fmt: skip
    AccountRequest.objects.bulk_create(created)
    saved = list(AccountRequest.objects.filter(reference__in=[r.reference for r in created]))
    AccountRequestEvent.objects.bulk_create(
        AccountRequestEvent(request=request, from_state="", to_state=AccountRequestState.PENDING) for request in saved
    )
    refused = next((r for r in saved if r.credit_code == rows[-1][0]), None)
    reviewer = User.objects.filter(username="city").first()
    if refused and reviewer:
        reason = "该统一社会信用代码不在本市企业名录中，请先到所在县（市、区）科技局登记。"
        AccountRequest.objects.filter(pk=refused.pk).update(
            state=AccountRequestState.REFUSED, decided_by=reviewer, decided_at=now, refusal_reason=reason
        )
        AccountRequestEvent.objects.create(
            request=refused, from_state=AccountRequestState.PENDING, to_state=AccountRequestState.REFUSED,
            actor=reviewer, data={"reason": reason},
        )  # fmt: skip
    return len(saved)
