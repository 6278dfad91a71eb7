from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's form, refusing to keep the old password, and ending the one-time password's hold on the account."""

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", _("Choose a password different from the current one."))
        return cleaned

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit=commit)


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
    )


class EnrolmentConfirmForm(forms.Form):
    code = forms.CharField(label=_("Code from the app"), max_length=10)
