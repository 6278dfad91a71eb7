"""What an upload is, by its content: the words a refusal uses to name it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import sniff, sniff_upload
from tests.data.make_corpus import CORPUS_DIR


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html>", "html"),
        (b"\xef\xbb\xbf\r\n  <!-- saved from url -->\n<HTML><body>", "html"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        (b"MZ\x90\x00", "exe"),
        (b"\x7fELF\x02\x01", "exe"),
        (b"%PDF-1.7", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "ole"),
        (b"Rar!\x1a\x07\x00", "archive"),
        ("统一社会信用代码,企业名称\r\n".encode("gbk"), "text"),
        ("统一社会信用代码,企业名称\r\n".encode(), "text"),
        (b"a,b\r\n1,\x002\r\n", "text"),  # a stray NUL: still text, the check names the cell
        ("统一社会信用代码,企业名称".encode("utf-16-le"), "unknown"),  # UTF-16 without its BOM
        (bytes(range(256)) * 4, "unknown"),
    ],
)
def test_sniff_names_the_content(head, kind):
    assert sniff(head).kind == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [("good_enterprises.xlsx", "xlsx"), ("word_document.xlsx", "docx"), ("zip_not_xlsx.xlsx", "zip")],
)
def test_sniff_upload_tells_zip_documents_apart_and_rewinds(name, kind):
    upload = SimpleUploadedFile(name, (CORPUS_DIR / name).read_bytes())
    upload.read(10)

    assert sniff_upload(upload).kind == kind
    assert upload.tell() == 0


def test_sniff_upload_of_a_damaged_zip():
    upload = SimpleUploadedFile("x.xlsx", b"PK\x03\x04" + bytes(60))
    assert sniff_upload(upload).kind == "broken_zip"
    assert io.BytesIO(upload.read()).getbuffer().nbytes == 64
