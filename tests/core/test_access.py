"""core.access: the plain words a filter form gives the access log, and the signal a lower app sends."""

from django import forms
from django.test import RequestFactory

from accounts.models import Role
from core.access import AccessKind, access_recorded, form_filters, record_access
from enterprises.models import County
from tests import factories


class _Filters(forms.Form):
    county = forms.ModelChoiceField(County.objects.all(), to_field_name="code", label="County", required=False)
    state = forms.ChoiceField(
        choices=[("", "All"), ("open", "Open"), ("shut", "Closed")], label="State", required=False
    )
    ticked = forms.NullBooleanField(label="Ticked", required=False)
    kinds = forms.MultipleChoiceField(choices=[("a", "Apples"), ("b", "Pears")], label="Kinds", required=False)
    q = forms.CharField(label="Search", required=False)


def test_form_filters_names_choices_by_label_and_leaves_out_empty_fields(db):
    factories.county("410402")
    form = _Filters({"county": "410402", "state": "shut", "ticked": "true", "kinds": ["a", "b"], "q": ""})
    assert form.is_valid()
    assert form_filters(form) == [
        ("County", "新华区"), ("State", "Closed"), ("Ticked", "是"), ("Kinds", "Apples、Pears"),
    ]  # fmt: skip
    assert [label for label, _value in form_filters(form, skip=["state", "kinds"])] == ["County", "Ticked"]


def test_record_access_sends_plain_values_and_the_client_address(db):
    user = factories.make_user(Role.CITY_STAFF)
    request = RequestFactory().get("/x/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    heard = []

    def receiver(**kwargs):
        heard.append(kwargs)

    access_recorded.connect(receiver, dispatch_uid="test-receiver")
    try:
        record_access(request=request, kind=AccessKind.EXPORT, what="名录", filters={"年度": 2025, "县区": ""}, rows=3)
    finally:
        access_recorded.disconnect(dispatch_uid="test-receiver")

    [sent] = heard
    assert (sent["actor"], sent["kind"], sent["what"], sent["rows"]) == (user, AccessKind.EXPORT, "名录", 3)
    assert sent["filters"] == [["年度", "2025"]]
    assert sent["client_address"] == "10.1.2.3"
