"""The one "form → service → message → redirect" step of every page (core.pages)."""

import pytest
from django import forms
from django.contrib.messages import INFO, SUCCESS, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.pages import form_action, page_number, post_action


class YearForm(forms.Form):
    year = forms.IntegerField(label="Year", min_value=2000)


def _request():
    request = RequestFactory().post("/somewhere/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in get_messages(request)]


def test_form_action_runs_the_service_with_the_cleaned_data_and_says_so():
    request, seen = _request(), []
    response = form_action(
        request, YearForm({"year": "2026"}), lambda data: seen.append(data), success="Saved.", then="/done/"
    )
    assert seen == [{"year": 2026}]
    assert (response.status_code, response.url) == (302, "/done/")
    assert _messages(request) == [(SUCCESS, "Saved.")]


def test_form_action_reports_the_form_errors_with_their_labels_and_runs_nothing():
    request, seen = _request(), []
    response = form_action(
        request, YearForm({"year": "1999"}), seen.append, success="Saved.", then="/done/", failed="/form/"
    )
    assert seen == []
    assert response.url == "/form/"
    [(_level, text)] = _messages(request)
    assert text.startswith("Year: ") and "2000" in text


def test_form_action_reports_the_service_refusal_and_goes_back():
    def refuse(data):
        raise ValidationError({"year": ["That year is closed.", "Ask the city."]})

    request = _request()
    response = form_action(request, YearForm({"year": "2026"}), refuse, success="Saved.", then="/done/")
    assert response.url == "/done/"
    assert [text for _level, text in _messages(request)] == ["That year is closed.", "Ask the city."]


def test_post_action_follows_the_result_on_success_and_goes_to_failed_otherwise():
    request = _request()
    response = post_action(
        request, lambda: 7, success=lambda n: f"Item {n} made.", then=lambda n: f"/items/{n}/", failed="/items/"
    )
    assert response.url == "/items/7/" and _messages(request) == [(SUCCESS, "Item 7 made.")]

    def refuse():
        raise ValidationError("No more items.")

    request = _request()
    response = post_action(request, refuse, success="Made.", then=lambda n: f"/items/{n}/", failed="/items/")
    assert response.url == "/items/" and [text for _level, text in _messages(request)] == ["No more items."]


def test_post_action_keeps_the_level_asked_for_and_may_say_nothing():
    request = _request()
    post_action(request, lambda: None, success="Cancelled.", level=INFO, then="/")
    assert _messages(request) == [(INFO, "Cancelled.")]
    request = _request()
    post_action(request, lambda: None, success=None, then="/")
    assert _messages(request) == []


def test_post_action_needs_a_failed_url_when_the_next_page_depends_on_the_result():
    with pytest.raises(TypeError):
        post_action(_request(), lambda: 1, success=None, then=lambda n: f"/{n}/")


@pytest.mark.parametrize(("value", "page"), [(None, 1), ("", 1), ("x", 1), ("0", 1), ("-3", 1), ("4", 4)])
def test_page_number_is_at_least_one(value, page):
    assert page_number(value) == page
