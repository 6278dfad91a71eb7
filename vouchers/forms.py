from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import HighTechField, QualificationKind
from vouchers.models import (
    BUDGET_HOLDING,
    ClaimStatus,
    DocumentKind,
    Provider,
    ProviderKind,
    ProviderStatus,
    VoucherKind,
)

DATE = forms.DateInput(attrs={"type": "date"})
SMALL_SELECT = {"class": "form-select form-select-sm"}


class ClaimForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind of voucher"), queryset=VoucherKind.objects.none())
    provider = forms.ModelChoiceField(
        label=_("Registered provider"), queryset=Provider.objects.none(), required=False,
        help_text=_("Required for a result transfer from a university or institute."),
    )  # fmt: skip
    supplier_name = forms.CharField(
        label=_("Supplier (if not in the registry)"), max_length=200, required=False,
        help_text=_("For purchases from a supplier that is not a registered provider."),
    )  # fmt: skip
    contract_number = forms.CharField(label=_("Contract number"), max_length=100, required=False)
    contract_date = forms.DateField(label=_("Contract date"), required=False, widget=DATE)
    eligible_expense = forms.DecimalField(
        label=_("Eligible expense (yuan)"), max_digits=14, decimal_places=2, min_value=0.01, required=False
    )
    subsidy_requested = forms.DecimalField(
        label=_("Subsidy requested (yuan)"), max_digits=14, decimal_places=2, min_value=0.01, required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, policy, current_kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = VoucherKind.objects.filter(policy=policy)
        kinds = (
            kinds.filter(active=True)
            if current_kind is None
            else kinds.filter(pk=current_kind.pk) | kinds.filter(active=True)
        )
        self.fields["kind"].queryset = kinds.order_by("position", "id")
        self.fields["kind"].label_from_instance = lambda kind: f"{kind.name} ({kind.subsidy_ratio * 100:.0f}%)"
        self.fields["provider"].queryset = Provider.objects.filter(status=ProviderStatus.ACTIVE).order_by("name")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"), choices=DocumentKind.choices, widget=forms.Select(attrs=SMALL_SELECT)
    )
    invoice_number = forms.CharField(
        label=_("Invoice number"), max_length=50, required=False, help_text=_("For invoices: the number printed on it.")
    )
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ClaimStatus.choices)
    comment = forms.CharField(required=False, max_length=2000)


# A group of statuses the claims list filters on as one (the dashboards link here for "granted").
STATUS_GROUPS = {"granted": sorted(BUDGET_HOLDING)}


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), ("granted", _("Granted (approved, in public notice or paid)")),
                 *ClaimStatus.choices],
        required=False,
    )  # fmt: skip

    def statuses(self):
        """The status filter for claim_list: one status, the statuses of a group, or None."""
        value = self.cleaned_data.get("status") if self.is_valid() else None
        return STATUS_GROUPS.get(value, value) or None

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    county = forms.CharField(label=_("County"), required=False, max_length=6)
    kind = forms.CharField(label=_("Kind"), required=False, max_length=30)
    q = forms.CharField(label=_("Firm or contract"), required=False, max_length=100)


class PolicyForm(forms.Form):
    eligible_qualifications = forms.MultipleChoiceField(
        label=_("Eligible firms hold, valid that year"), choices=QualificationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every firm in the registry is eligible."),
    )  # fmt: skip
    annual_cap = forms.DecimalField(label=_("Cap per enterprise per year (yuan)"), max_digits=14, decimal_places=2)
    city_budget = forms.DecimalField(
        label=_("City budget for the year (yuan)"), max_digits=14, decimal_places=2, required=False,
        help_text=_("Empty: no total budget."),
    )  # fmt: skip
    claims_open_on = forms.DateField(label=_("Claims open on"), widget=DATE)
    claims_close_on = forms.DateField(label=_("Claims close on"), widget=DATE)
    required_documents = forms.MultipleChoiceField(
        label=_("Documents required to submit"), choices=DocumentKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class KindForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    subsidy_ratio = forms.DecimalField(
        label=_("Subsidy ratio"), max_digits=5, decimal_places=4, min_value=0.0001, max_value=1
    )
    requires_provider = forms.BooleanField(label=_("Must name a registered provider"), required=False)
    active = forms.BooleanField(label=_("Open for new claims"), required=False, initial=True)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, required=False)


class ProviderForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProviderKind.choices, widget=forms.Select(attrs=SMALL_SELECT))
    status = forms.ChoiceField(
        label=_("Status"), choices=ProviderStatus.choices, widget=forms.Select(attrs=SMALL_SELECT)
    )
    fields = forms.MultipleChoiceField(
        label=_("Fields"), choices=HighTechField.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *ProviderKind.choices],
        required=False,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *ProviderStatus.choices],
        required=False,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    field = forms.ChoiceField(
        label=_("Field"),
        choices=[("", _("All fields")), *HighTechField.choices],
        required=False,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
