"""What every page module needs between a form post and the messages the next page shows: a service's errors and a
form's errors as messages, the one "form → service → message → redirect" step (`form_action`, and `post_action`
for a step without a form), a page number from the query string, and a stored file handed out as a logged download
(`stored_file_download`), and the refusal of a page to whom a permission predicate says no (`need`)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect

from core.access import AccessKind, record_access


def need(allowed: bool) -> None:
    """Refuse the page (403) unless `allowed`: the answer of the app's permission predicate for the user."""
    if not allowed:
        raise PermissionDenied


def report_errors(request, errors: ValidationError | Iterable[str]) -> None:
    """Each message of a ValidationError (field errors included), or of a list of texts, as an error message."""
    for message in errors.messages if isinstance(errors, ValidationError) else errors:
        messages.error(request, message)


def report_form_errors(request, form) -> None:
    """Each error of an invalid form as an error message, prefixed with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


def post_action(
    request,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None,
    then: str | Callable[[Any], str],
    failed: str | None = None,
    level: int = messages.SUCCESS,
) -> HttpResponseRedirect:
    """A posted step: `action()` runs the service; its ValidationError becomes error messages and the answer a
    redirect to `failed` (by default `then`); else `success` (a text, a function of the action's result, or None
    for no message) becomes a message of `level`, and the answer a redirect to `then` (a URL, or a function of the
    action's result giving one, with `failed` then required)."""
    if callable(then) and failed is None:
        raise TypeError("post_action: a `then` that depends on the result needs a `failed` URL")
    try:
        result = action()
    except ValidationError as error:
        report_errors(request, error)
        return redirect(failed or then)
    text = success(result) if callable(success) else success
    if text:
        messages.add_message(request, level, text)
    return redirect(then(result) if callable(then) else then)


def form_action(
    request,
    form,
    action: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str] | None,
    then: str | Callable[[Any], str],
    failed: str | None = None,
) -> HttpResponseRedirect:
    """A posted form's step: when `form` is valid, `post_action` with `action(form.cleaned_data)`; else the form's
    errors as error messages and a redirect to `failed` (by default `then`)."""
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(failed or then)
    return post_action(request, lambda: action(form.cleaned_data), success=success, then=then, failed=failed)


def page_number(value) -> int:
    """A page number from the query string: 1 for anything missing, invalid or below 1."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def stored_file_download(request, stored_file, *, content_type: str, filename: str, what, subject: str) -> FileResponse:
    """A stored file (a FieldFile) as a download under its original name, the download recorded in the access log
    (`what` says what kind of file, `subject` which one); a file gone from the storage is a 404."""
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    record_access(request=request, kind=AccessKind.DOWNLOAD, what=what, subject=subject)
    return FileResponse(handle, content_type=content_type, filename=filename)
