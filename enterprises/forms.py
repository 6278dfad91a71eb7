from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enterprises.credit_codes import normalize_credit_code, passes_check, validate_credit_code
from enterprises.models import Enterprise
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
