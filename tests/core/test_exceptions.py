"""core.exceptions.check_move: the one answer of every workflow to a move asked of something that moved on."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import AlreadyMoved, check_move

# draft → new (by the firm) → reviewed (by reviewers) → paid (by the treasurer); reviewed → returned (by
# reviewers) → new (by the firm).
TABLE = {
    "draft": {"new": "firm"},
    "new": {"reviewed": "reviewer"},
    "reviewed": {"paid": "treasurer", "returned": "reviewer"},
    "returned": {"new": "firm"},
    "paid": {},
}


def _check(current, to, party):
    check_move(
        table=TABLE, current=current, to=to, may=lambda who: who == party, thing="claim", state=current,
        not_allowed=lambda: ValidationError("no such move"),
    )  # fmt: skip


def test_allowed_move_passes():
    _check("new", "reviewed", "reviewer")


@pytest.mark.parametrize(
    ("current", "to", "party"),
    [
        ("reviewed", "reviewed", "reviewer"),  # a second reviewer, or a second click
        ("paid", "returned", "reviewer"),  # the treasurer paid it meanwhile
        ("returned", "paid", "treasurer"),  # returned meanwhile
    ],
)
def test_move_asked_after_the_thing_moved_on_is_already_moved(current, to, party):
    with pytest.raises(AlreadyMoved) as raised:
        _check(current, to, party)
    assert raised.value.code == "already_moved"
    assert f"“{current}”" in raised.value.messages[0]


def test_someone_elses_move_is_a_permission_error():
    with pytest.raises(PermissionDenied):
        _check("new", "reviewed", "firm")


def test_move_from_a_state_the_thing_has_not_reached_yet_is_not_allowed():
    with pytest.raises(ValidationError) as raised:
        _check("draft", "paid", "treasurer")  # it never was reviewed: it did not move on, it is not there yet
    assert type(raised.value) is ValidationError
