"""What an uploaded file is, judged by its first bytes (and, for a zip, by the names inside it), never by its name or
the browser's word. Shared by every upload that keeps a file: imports, policy attachments.

`sniff(head)` names the content in words a person understands ("a web page (HTML)", "a Windows program"), so that a
refusal says what was uploaded instead of what the file is not.
"""

import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Enough to recognise every kind below (an HTML page may start with a long comment or whitespace).
HEAD_BYTES = 4096


@dataclass(frozen=True)
class Sniffed:
    kind: str  # a short key: "html", "exe", "pdf", "zip", "ole", "png", "text", ...
    label: object  # lazily translated words for a person: "a web page (HTML)"


EMPTY = Sniffed("empty", _("an empty file (0 bytes)"))
TEXT = Sniffed("text", _("a text file"))
UNKNOWN = Sniffed("unknown", _("a binary file of an unknown kind"))

# (prefix, kind, label); checked in order on the raw bytes.
_MAGIC = (
    (b"PK\x03\x04", "zip", _("a zip archive")),
    (b"PK\x05\x06", "zip", _("an empty zip archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole", _("an old Office 97-2003 document (.xls, .doc or a WPS file)")),
    (b"%PDF", "pdf", _("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", "png", _("a PNG image")),
    (b"\xff\xd8\xff", "jpeg", _("a JPEG image")),
    (b"GIF8", "gif", _("a GIF image")),
    (b"MZ", "exe", _("a Windows program (executable)")),
    (b"\x7fELF", "exe", _("a Linux program (executable)")),
    (b"\xca\xfe\xba\xbe", "exe", _("a program (executable)")),
    (b"\xcf\xfa\xed\xfe", "exe", _("a macOS program (executable)")),
    (b"Rar!\x1a\x07", "archive", _("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", "archive", _("a 7-Zip archive")),
    (b"\x1f\x8b", "archive", _("a gzip archive")),
    (b"{\\rtf", "rtf", _("an RTF document")),
)
_HTML = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body|meta|title|script|div|table)\b",
    re.IGNORECASE | re.DOTALL,
)
_SPREADSHEET_XML = re.compile(rb"urn:schemas-microsoft-com:office:spreadsheet")
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(head: bytes) -> Sniffed:
    """What the file starting with `head` (its first HEAD_BYTES bytes, or all of it) is."""
    if not head:
        return EMPTY
    for prefix, kind, label in _MAGIC:
        if head.startswith(prefix):
            return Sniffed(kind, label)
    body = head[3:] if head.startswith(_TEXT_BOMS[0]) else head
    if _HTML.match(body):
        return Sniffed("html", _("a web page (HTML)"))
    if body.lstrip().startswith(b"<?xml") or body.lstrip().startswith(b"<"):
        if _SPREADSHEET_XML.search(head):
            return Sniffed("xml_spreadsheet", _("an Excel 2003 XML spreadsheet"))
        return Sniffed("xml", _("an XML document"))
    if head.startswith(_TEXT_BOMS) or _looks_like_text(head):
        return TEXT
    return UNKNOWN


def _looks_like_text(head: bytes) -> bool:
    """Text in UTF-8 or GB18030, allowing a stray NUL or two (named cell by cell later) but not UTF-16 or binary."""
    if head.count(b"\x00") > max(10, len(head) // 100):
        return False
    control = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13, 0))
    if control > max(2, len(head) // 100):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            # The head may cut a multi-byte character in two at its end.
            if error.start >= len(head) - 4:
                return True
    return False


# Names inside a zip that tell the Office Open XML (and OFD) documents apart.
_ZIP_MARKERS = (
    ("xl/workbook.xml", "xlsx", _("an Excel workbook (.xlsx)")),
    ("word/document.xml", "docx", _("a Word document (.docx)")),
    ("ppt/presentation.xml", "pptx", _("a PowerPoint presentation (.pptx)")),
    ("OFD.xml", "ofd", _("an OFD document")),
)


def sniff_zip(handle) -> Sniffed:
    """Which document a zip archive is, by the names it holds (`handle`: a seekable binary file). Reads only the
    archive's central directory, never its contents."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return Sniffed("broken_zip", _("a damaged zip archive"))
    for name, kind, label in _ZIP_MARKERS:
        if name in names:
            return Sniffed(kind, label)
    return Sniffed("zip", _("a zip archive"))


def sniff_upload(uploaded_file) -> Sniffed:
    """What an uploaded (Django) file is; the file is left at its start."""
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    found = sniff(head)
    if found.kind == "zip":
        found = sniff_zip(uploaded_file)
        uploaded_file.seek(0)
    return found
