"""Errors every app's services raise and every page and API answers the same way."""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
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


def check_move(
    *,
    table: Mapping[str, Mapping[str, Any]],
    current: str,
    to: str,
    may: Callable[[Any], bool],
    thing: str,
    state: str,
    not_allowed: Callable[[], Exception],
) -> None:
    """A workflow's check of one move, the same in every app: return when `table` allows `to` from `current` to the
    asker (`may(who)` says whether the asker is among `who`, the table's entry for the move). Else raise:
    AlreadyMoved when the thing has moved on from a state where the asker could take that move (they lost a race,
    or clicked twice); `not_allowed()` when the move does not exist from here; PermissionDenied
    when it is someone else's. `thing` names the thing, `state` is its current state's label."""
    moves = table.get(current, {})
    if to in moves and may(moves[to]):
        return
    if moved_on(table=table, current=current, to=to, may=may):
        raise AlreadyMoved(thing=thing, state=state)
    if to not in moves:
        raise not_allowed()
    raise PermissionDenied


def moved_on(*, table: Mapping[str, Mapping[str, Any]], current: str, to: str, may: Callable[[Any], bool]) -> bool:
    """Whether `current` lies after a state from which the asker may take the move to `to`: the thing was where
    the asker could act, and someone moved it on."""
    frontier = [status for status, moves in table.items() if status != current and to in moves and may(moves[to])]
    reachable: set[str] = set()
    while frontier:
        for following in table.get(frontier.pop(), {}):
            if following not in reachable:
                reachable.add(following)
                frontier.append(following)
    return current in reachable
