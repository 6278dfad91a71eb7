from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from enterprises.credit_codes import normalize_credit_code, passes_check, validate_credit_code
from enterprises.models import SOURCE_FIELDS, Enterprise, FieldPrecedence, SourceKind
from enterprises.provenance import DEFAULT_ORDER
from enterprises.selectors import figure_label
from enterprises.services import CONTACT_FIELDS


class EnterpriseContactForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = CONTACT_FIELDS


class EnterpriseAdminForm(forms.ModelForm):
    """Admin form: the credit code is normalised and checked; a failing check needs the explicit untick."""

    # Longer than 18 so that a code pasted with spaces reaches normalisation instead of a length error.
    credit_code = forms.CharField(label=_("unified social credit code"), max_length=40)

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "credit_code_checked",
            "name",
            "county",
            "industry_code",
            "industry_name",
            "high_tech_field",
            "founded_on",
            "address",
            "contact_person",
            "contact_phone",
        ]

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("credit_code")
        if code:
            accept = cleaned.get("credit_code_checked") is False
            try:
                validate_credit_code(code, allow_bad_check_character=accept)
            except ValidationError as error:
                self.add_error("credit_code", error)
                return cleaned
            # A code that passes is marked as passing, whatever the box said.
            if passes_check(code):
                cleaned["credit_code_checked"] = True
        return cleaned


class ConflictResolveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for resolving the conflict.")},
    )


PLACES = (_("first"), _("second"), _("third"), _("fourth"))


def _place(number: int) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=format_lazy("{}: {}", _("Source ranked"), PLACES[number]),
        choices=[("", "—"), *SourceKind.choices],
        required=False,
    )


class FieldPrecedenceForm(forms.ModelForm):
    """The admin's form of a figure's order of sources: a source per place, each once; an empty place ends it."""

    field = forms.ChoiceField(label=_("figure"))
    place_0, place_1, place_2, place_3 = (_place(number) for number in range(len(PLACES)))

    class Meta:
        model = FieldPrecedence
        fields = ["field", "abs_tolerance", "rel_tolerance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(f, figure_label(f)) for f in SOURCE_FIELDS]
        order = list(self.instance.order) if self.instance.pk else list(DEFAULT_ORDER)
        for number in range(len(PLACES)):
            self.initial.setdefault(f"place_{number}", order[number] if number < len(order) else "")

    def clean(self):
        data = super().clean()
        order = [data.get(f"place_{number}") for number in range(len(PLACES))]
        order = [kind for kind in order if kind]
        if len(set(order)) != len(order):
            raise ValidationError(_("Name each source once."))
        data["order"] = order
        return data

    def save(self, commit=True):
        self.instance.order = self.cleaned_data["order"]
        return super().save(commit=commit)
