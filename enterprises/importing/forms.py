from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enterprises.importing.reading import upload_problem
from enterprises.models import ImportJob


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(label=_("File (xlsx or csv)"))
    accept_bad_check_characters = forms.BooleanField(
        label=_("Accept credit codes whose check character fails (early pilot codes)"),
        required=False,
        help_text=_("Such rows are then warnings instead of errors, and the firms are marked as accepted by staff."),
    )

    as_of = forms.DateField(
        label=_("As of (department lists)"),
        required=False,
        help_text=_(
            "The day a department's list describes (the end of its period, e.g. 2025-12-31 for the 2025 figures). "
            "Yearly figures without a year column belong to this day's year. Empty: today."
        ),
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = kinds
        self.fields["file"].help_text = _(
            "An xlsx workbook of at most %(xlsx)d MB, or a csv file of at most %(csv)d MB (a longer list goes in "
            "as csv)."
        ) % {"xlsx": settings.IMPORT_MAX_FILE_MB, "csv": settings.IMPORT_MAX_CSV_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = upload_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(choices=[("xlsx", "xlsx"), ("csv", "csv")], required=False)
    year = forms.CharField(required=False)

    def clean_year(self):
        year = self.cleaned_data["year"] or "latest"
        if year not in ("latest", "all") and not year.isdigit():
            raise forms.ValidationError(_("Choose a year, “latest” or “all”."))
        return year

    def clean_file_format(self):
        return self.cleaned_data["file_format"] or "xlsx"
