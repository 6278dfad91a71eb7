"""A firm closed (吊销/注销) or moved out of the city cannot start a new voucher claim."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enterprises.models import Enterprise, RegistrationStatus
from vouchers.models import VoucherClaim, VoucherKind
from vouchers.services import claim_create


@pytest.mark.parametrize("status", [RegistrationStatus.DEREGISTERED, RegistrationStatus.MOVED_OUT])
def test_closed_firm_cannot_start_a_claim(voucher_world, status):
    world = voucher_world
    Enterprise.objects.filter(pk=world["firm"].pk).update(registration_status=status)
    kind = VoucherKind.objects.get(policy=world["policy"], code="equipment")
    with pytest.raises(ValidationError) as error:
        claim_create(actor=world["enterprise"], policy=world["policy"], kind=kind)
    assert str(RegistrationStatus(status).label) in " ".join(error.value.messages)
    assert not VoucherClaim.objects.exists()
    # The other firm, still in business, can.
    claim_create(actor=world["other_enterprise"], policy=world["policy"], kind=kind)
    assert VoucherClaim.objects.count() == 1


def test_closed_firm_sees_why_on_the_new_claim_page(client, voucher_world):
    world = voucher_world
    Enterprise.objects.filter(pk=world["firm"].pk).update(registration_status=RegistrationStatus.REVOKED)
    client.force_login(world["enterprise"])
    kind = VoucherKind.objects.get(policy=world["policy"], code="equipment")
    response = client.post(reverse("vouchers:claim-new"), {"year": world["policy"].year, "kind": kind.pk})
    assert response.status_code == 200
    assert "不能发起新的创新券申请" in response.content.decode()  # the page speaks the default language
    assert not VoucherClaim.objects.exists()
