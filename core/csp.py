"""The Content-Security-Policy middleware: django-csp's, plus the few exceptions the admin site's own templates need.

The portal's pages carry no inline script or style at all (CONTENT_SECURITY_POLICY in config/settings/base.py). The
admin site is Django's and django-import-export's: a `<style>` block on the change list, an `onchange` handler and
two `style` attributes on the export page. Under /admin/ only, the policy allows exactly those snippets by their
SHA-256 hashes ('unsafe-hashes' for the attributes), read from the installed templates so an upgrade stays right.
"""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import django.contrib.admin
import import_export
from csp.middleware import CSPMiddleware
from django.urls import reverse


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


@cache
def admin_exceptions() -> dict[str, list[str]]:
    change_list = _read(Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "change_list.html")
    export = _read(Path(import_export.__file__).parent / "templates" / "admin" / "import_export" / "export.html")
    styles = [_hash(block) for block in re.findall(r"<style>(.*?)</style>", change_list, re.DOTALL)]
    style_attributes = [_hash(value) for value in re.findall(r'\sstyle="([^"]*)"', export)]
    handlers = [_hash(value) for value in re.findall(r'\son[a-z]+="([^"]*)"', export)]
    exceptions = {}
    if styles or style_attributes:
        exceptions["style-src"] = [*(["'unsafe-hashes'"] if style_attributes else []), *styles, *style_attributes]
    if handlers:
        exceptions["script-src"] = ["'unsafe-hashes'", *handlers]
    return exceptions


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            parts.update = {**(parts.update or {}), **admin_exceptions()}
        return parts
