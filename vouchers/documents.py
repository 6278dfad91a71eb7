"""What a claim document is, judged by its content (magic bytes), never by its name or the browser's word."""

import filetype

# Content type -> the extension the stored file gets.
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# filetype reads at most this many bytes from the start of a file.
HEAD_BYTES = 8192


def sniff_content_type(head: bytes) -> str | None:
    """The allowed content type `head` (the file's first bytes) is, or None when it is none of them."""
    guess = filetype.guess(head)
    if guess is None or guess.mime not in ALLOWED_TYPES:
        return None
    return guess.mime
