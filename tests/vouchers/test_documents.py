import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.vouchers import factories as vf
from vouchers.models import ClaimDocument, ClaimStatus, DocumentKind
from vouchers.services import document_add

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32


@pytest.fixture
def claim(voucher_world):
    return vf.draft(voucher_world["policy"], voucher_world["enterprise"], documents=False)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [(vf.PDF, "contract.pdf", "application/pdf"), (vf.PNG, "scan.png", "image/png"), (JPEG, "photo.jpg", "image/jpeg"),
     (vf.PDF, "misnamed.png", "application/pdf")],
)  # fmt: skip
def test_pdf_jpeg_and_png_are_accepted_by_content(voucher_world, claim, content, name, expected):
    document = document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.CONTRACT,
                            uploaded_file=SimpleUploadedFile(name, content))  # fmt: skip
    assert document.content_type == expected
    assert document.original_name == name
    assert document.file.name.startswith(f"vouchers/{claim.year}/{claim.pk}/")
    assert not document.file.name.endswith(name)
    with document.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("content", "name"),
    [(vf.EXE, "contract.pdf"), (b"<html><script>alert(1)</script></html>", "invoice.pdf"),
     (b"PK\x03\x04" + b"\x00" * 40, "scan.png"), (b"GIF89a" + b"\x00" * 20, "photo.jpg")],
)  # fmt: skip
def test_forged_uploads_are_refused(voucher_world, claim, content, name):
    with pytest.raises(ValidationError) as error:
        document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.CONTRACT,
                     uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"))  # fmt: skip
    assert "file" in error.value.message_dict
    assert not ClaimDocument.objects.exists()


def test_an_exe_renamed_pdf_is_refused_through_the_page(client, voucher_world, claim):
    client.force_login(voucher_world["enterprise"])
    response = client.post(
        reverse("vouchers:document-upload", args=[claim.pk]),
        {"kind": "contract", "file": SimpleUploadedFile("setup.pdf", vf.EXE, content_type="application/pdf")},
        follow=True,
    )
    assert response.status_code == 200
    assert not ClaimDocument.objects.exists()
    assert "setup.pdf" in response.content.decode()


@override_settings(VOUCHER_DOCUMENT_MAX_MB=1)
def test_files_above_the_size_limit_are_refused(voucher_world, claim):
    big = vf.PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.CONTRACT,
                     uploaded_file=SimpleUploadedFile("big.pdf", big))  # fmt: skip
    assert "1 MB" in " ".join(error.value.messages)


def test_invoices_need_their_number(voucher_world, claim):
    with pytest.raises(ValidationError) as error:
        document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.INVOICE,
                     uploaded_file=vf.upload())  # fmt: skip
    assert "invoice_number" in error.value.message_dict
    document = document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.INVOICE,
                            uploaded_file=vf.upload(), invoice_number=" 0441 2026 ")  # fmt: skip
    assert document.invoice_number == "04412026"


def test_documents_cannot_change_once_submitted(voucher_world, actors):
    claim = vf.move(
        vf.draft(voucher_world["policy"], voucher_world["enterprise"]), vf.PATHS[ClaimStatus.SUBMITTED], actors
    )
    with pytest.raises(ValidationError):
        document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.OTHER, uploaded_file=vf.upload())


def test_a_user_of_another_firm_cannot_download_a_document(client, voucher_world):
    claim = vf.draft(voucher_world["policy"], voucher_world["enterprise"])
    document = claim.documents.first()
    url = reverse("vouchers:document", args=[document.pk])
    client.force_login(voucher_world["other_enterprise"])
    assert client.get(url).status_code == 404
    client.force_login(voucher_world["other_county"])
    assert client.get(url).status_code == 404
    for allowed in ("enterprise", "county", "city", "leader"):
        client.force_login(voucher_world[allowed])
        response = client.get(url)
        assert response.status_code == 200, allowed
        assert b"".join(response.streaming_content) == vf.PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(url).status_code == 302


def test_another_firm_cannot_attach_or_remove_documents(client, voucher_world, claim):
    document = document_add(claim=claim, actor=voucher_world["enterprise"], kind=DocumentKind.CONTRACT,
                            uploaded_file=vf.upload())  # fmt: skip
    client.force_login(voucher_world["other_enterprise"])
    response = client.post(reverse("vouchers:document-upload", args=[claim.pk]),
                           {"kind": "contract", "file": vf.upload()})  # fmt: skip
    assert response.status_code == 404
    assert client.post(reverse("vouchers:document-delete", args=[document.pk])).status_code == 404
    assert ClaimDocument.objects.filter(claim=claim).count() == 1
