"""What every page module needs between a form post and the messages the next page shows: a service's errors and a
form's errors as messages, the one "form → service → message → redirect" step, and a page number from the query
string."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect


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


def form_action(
    request,
    form,
    action: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str],
    then: str,
) -> HttpResponseRedirect:
    """A posted form's one step: when `form` is valid, `action(form.cleaned_data)` runs the service; its
    ValidationError, or the form's own errors, become error messages, else `success` (a text, or a function of
    the action's result) a success message; either way the answer is a redirect to the URL `then`."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
    else:
        report_form_errors(request, form)
    return redirect(then)


def page_number(value) -> int:
    """A page number from the query string: 1 for anything missing, invalid or below 1."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
