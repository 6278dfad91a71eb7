from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scoping import scope_counties
from enterprises.models import County
from policies.conditions import BOOL, CHOICE, FIELDS, MAX_CONDITIONS, OPERATORS, RATIO, clean_condition, field_choices
from policies.models import Event, Notice, Policy
from policies.permissions import addresses_own_county_only
from scoring.models import Tier

TRUE_WORDS = frozenset({"true", "yes", "1", "是", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "否", "n"})


def bootstrap(form) -> None:
    """Bootstrap classes on every widget (the templates render fields as they are)."""
    for bound in form.visible_fields():
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["title", "issuer", "document_number", "kind", "published_on", "applies_from", "applies_until",
                  "summary", "full_text", "attachment", "max_amount", "amount_note", "active"]  # fmt: skip
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "applies_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "applies_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "full_text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


def choice_code(item, name: str) -> str:
    """The code of a choice written by its name (“新华区”, “T2 小升高”, or the name's first word, “T2”) or by its code;
    unknown text is kept, so that the condition's check names it."""
    name = name.strip()
    if not name:
        return ""
    labels = item.choice_labels()
    for code, label in labels.items():
        if name.casefold() in (code.casefold(), label.casefold(), label.split(" ")[0].casefold()):
            return code
    return name


def value_text(condition: dict) -> str:
    """A stored condition's value as the form shows it (是/否, choices by name, ratios as percentages)."""
    item = FIELDS.get(condition.get("field"))
    value = condition.get("value")
    if item is None:
        return str(value)
    if item.kind == BOOL:
        return str(_("Yes")) if value else str(_("No"))
    if item.kind == CHOICE:
        labels = item.choice_labels()
        return "，".join(labels.get(code, code) for code in value)
    if item.kind == RATIO:
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    return str(value)


class ConditionForm(forms.Form):
    field = forms.ChoiceField(
        label=pgettext_lazy("policy condition", "Field"), choices=[("", _("Choose a field")), *field_choices()]
    )
    op = forms.ChoiceField(label=_("Operator"), choices=list(OPERATORS.items()))
    value = forms.CharField(
        label=pgettext_lazy("policy condition", "Value"),
        max_length=500,
        # xgettext:no-python-format
        help_text=_("yes or no; names separated by commas; yuan; a ratio as 3% or 0.03; a count."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if not data.get("field") or self.errors:
            return data
        item = FIELDS[data["field"]]
        text = data["value"].strip()
        if item.kind == BOOL:
            if text.lower() not in TRUE_WORDS | FALSE_WORDS:
                raise ValidationError({"value": _("Write yes or no.")})
            value = text.lower() in TRUE_WORDS
        elif item.kind == CHOICE:
            value = [choice_code(item, name) for name in text.replace("，", ",").replace("、", ",").split(",")]
            value = [code for code in value if code]
        elif item.kind == RATIO and text.endswith("%"):
            try:
                value = str(Decimal(text[:-1].strip()) / 100)
            except InvalidOperation:
                raise ValidationError({"value": _("“%(value)s” is not a percentage.") % {"value": text}}) from None
        else:
            value = text
        data["condition"] = clean_condition({"field": data["field"], "op": data["op"], "value": value}, position=1)
        return data


ConditionFormSet = forms.formset_factory(
    ConditionForm, extra=2, can_delete=True, max_num=MAX_CONDITIONS, validate_max=True
)


def conditions_initial(policy: Policy | None) -> list[dict]:
    if policy is None:
        return []
    return [{"field": c["field"], "op": c["op"], "value": value_text(c)} for c in policy.conditions or []]


def conditions_from(formset) -> list[dict]:
    return [
        form.cleaned_data["condition"]
        for form in formset.forms
        if form.cleaned_data.get("condition") and not form.cleaned_data.get("DELETE")
    ]


class AudienceFormMixin:
    """County choices limited to the user's scope; county staff must address their own county."""

    def limit_audience(self, user):
        self.fields["county"].queryset = scope_counties(County.objects.all(), user=user).order_by("code")
        self.fields["policy"].queryset = Policy.objects.filter(active=True).order_by("title")
        # An empty audience field means no narrowing: every county, every tier, firms whatever they match.
        self.fields["county"].empty_label = _("All counties")
        self.fields["policy"].empty_label = _("Any firm (no policy)")
        self.fields["tier"].choices = [("", _("Any tier")), *Tier.choices]
        if addresses_own_county_only(user):
            self.fields["county"].required = True
            self.fields["county"].empty_label = None
            self.initial.setdefault("county", user.county_id)
        bootstrap(self)


class NoticeForm(AudienceFormMixin, forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["title", "body", "county", "tier", "policy", "include_nearly"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_audience(user)


class EventForm(AudienceFormMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "topic", "description", "starts_at", "place", "capacity", "county", "tier",
                  "policy", "include_nearly"]  # fmt: skip
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_audience(user)
