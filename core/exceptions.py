"""Errors every app's services raise and every page and API answers the same way."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class AlreadyMoved(ValidationError):
    """A workflow step asked of something that has moved on since the asker saw it: someone else took a step first
    (a reviewer who lost a race, a second click). The API answers 409 Conflict (core.api), a page shows the message
    (core.pages): never a 403, the asker did nothing wrong.

    `thing` names it in plain words ("claim", "demand"), `state` is the label of the status it is in now."""

    def __init__(self, message: str | None = None, *, thing: str = "", state: str = ""):
        if message is None:
            message = _(
                "This %(thing)s has already moved to “%(state)s”: someone else took a step first. Reload the page "
                "to see it."
            ) % {"thing": thing, "state": state}
        super().__init__(message, code="already_moved")
