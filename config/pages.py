"""What every page module needs between a form post and the messages the next page shows: a service's errors and a
form's errors as messages, and a page number from the query string."""

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError


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


def page_number(value) -> int:
    """A page number from the query string: 1 for anything missing, invalid or below 1."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
