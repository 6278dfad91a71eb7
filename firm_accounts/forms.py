from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from firm_accounts.models import AccountRequestState


class AccountRequestForm(forms.Form):
    """The public request. Nothing is required here: the service checks every value (presence, credit code,
    phone, e-mail, duplicates), so that one submission reports every problem at once."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("18 characters, as on the business licence."),
    )
    firm_name = forms.CharField(label=_("Firm name"), max_length=200, required=False, help_text=_("As registered."))
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Mobile number, or landline with area code (0375-2345678)."),
    )
    email = forms.CharField(label=_("E-mail (optional)"), max_length=254, required=False)


class RequestStatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=40)


class RequestQueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *AccountRequestState.choices])
    q = forms.CharField(label=_("Firm, credit code or reference"), required=False, max_length=100)
    county = forms.CharField(required=False, max_length=6)


class ApproveForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    confirm_name_mismatch = forms.BooleanField(label=_("Same firm despite the different name"), required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the firm reads it)"), widget=forms.Textarea(attrs={"rows": 3}))


class BulkListForm(forms.Form):
    codes = forms.CharField(
        label=_("Credit codes, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(
        label=_("Or a spreadsheet (xlsx or csv) with a column “统一社会信用代码”, such as a registry export"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.IMPORT_MAX_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": settings.IMPORT_MAX_FILE_MB}
            )
        return upload
