"""What leaves the portal: every export and download, and every look at a firm's personal contact details, is
announced here so that the access log (the `audit` app, above every app that exports) keeps one row for it.

A view that hands out a file (or shows a firm's contact person to someone other than the firm) calls
`record_access` once, with plain words: `what` it was, the `filters` that chose the rows (label → value, as the
user saw them), how many `rows`, and the `subject` (a firm, a claim's document) when there is one. Lower apps call
this; they never import the log itself. The words are kept in the portal's language, so the log reads the same
whoever looked."""

from collections.abc import Iterable, Mapping
from enum import StrEnum

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext as _

# Sent once per access with kind, what, filters (list of [label, value]), rows, subject, actor, client_address.
access_recorded = Signal()


class AccessKind(StrEnum):
    """What kind of access a row records; the log's model gives each its label."""

    EXPORT = "export"  # rows chosen by filters, written to a file
    DOWNLOAD = "download"  # one stored or generated document (an attachment, a template, an error report)
    CONTACT_VIEW = "contact_view"  # a firm's contact person and phone shown to someone other than the firm


def client_address(request) -> str | None:
    """The address the request came from, as the login lock-out sees it (django-axes asks the settings'
    AXES_CLIENT_IP_CALLABLE: X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies, else the socket's address)."""
    if request is None:
        return None
    return get_client_ip_address(request) or None


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def record_access(
    *,
    request,
    kind: AccessKind,
    what,
    filters: Mapping | Iterable | None = None,
    rows: int | None = None,
    subject=None,
) -> None:
    """Announce one access by `request.user`. `filters` maps a label to a value (or is a list of pairs); empty
    values are left out. `subject` is shown by its str(). Sent in the caller's transaction, if any."""
    pairs = filters.items() if isinstance(filters, Mapping) else (filters or ())
    with translation.override(settings.LANGUAGE_CODE):
        plain_filters = [[_plain(label), _plain(value)] for label, value in pairs if value not in (None, "", [], ())]
        what_text = _plain(what)
        subject_text = _plain(subject)
    user = getattr(request, "user", None)
    access_recorded.send(
        sender=AccessKind,
        kind=AccessKind(kind),
        what=what_text,
        filters=plain_filters,
        rows=rows,
        subject=subject_text,
        actor=user if user is not None and user.is_authenticated else None,
        client_address=client_address(request),
    )


def form_filters(form: forms.Form, *, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The filters a valid bound form (a FilterSet's `.form`) applied, as (label, value) in plain words: a choice
    by its label, a record by its name, yes/no for a boolean. Empty fields and those in `skip` are left out."""
    pairs = []
    with translation.override(settings.LANGUAGE_CODE):
        for name, field in form.fields.items():
            if name in skip:
                continue
            value = form.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            pairs.append((str(field.label or name), _field_value(field, value)))
    return pairs


def _field_value(field, value) -> str:
    if isinstance(value, list | tuple):
        return "、".join(_field_value(field, item) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {}
        for key, label in choices:
            if isinstance(label, list | tuple):  # an option group
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        raw = {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else value
        if str(raw) in labels:
            return str(labels[str(raw)])
    return _plain(value)
