"""django-import-export resources for the admin (city administrators): bulk mode, one query per batch.

The staff import page (enterprises/importing/) is the main path: it checks every cell, scopes rows to the
user's county, previews and commits once. These resources serve the administrator who needs a raw, model-shaped
import or export of one table; they validate through the models' own constraints.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from enterprises.credit_codes import normalize_credit_code, validate_credit_code
from enterprises.models import INDICATOR_FIELDS, AnnualIndicator, County, Enterprise, Qualification

BATCH_SIZE = 2000


class CreditCodeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return validate_credit_code(value or "")
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


class PreloadedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Resolves every key of the dataset in a few queries before the rows are read, not one query per row."""

    def __init__(self, model, field, **kwargs):
        super().__init__(model, field, **kwargs)
        self.cache: dict[str, object] = {}

    def preload(self, values) -> None:
        wanted = sorted({str(v).strip().upper() for v in values if v})
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            for instance in self.model.objects.filter(**{f"{self.field}__in": chunk}):
                self.cache[getattr(instance, self.field)] = instance

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        key = str(value).strip().upper()
        if key not in self.cache:
            raise ValueError(f"No {self.model._meta.verbose_name} “{value}”.")
        return self.cache[key]


class PreloadedInstanceLoader(BaseInstanceLoader):
    """Finds the existing rows of the whole dataset in a few queries (import-export's own loaders take one query
    per row for a key of several columns, and clean the key with its validating widget before rows are read)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        codes = []
        if dataset is not None and resource.credit_code_column in (dataset.headers or []):
            codes = [normalize_credit_code(v) for v in dataset[resource.credit_code_column]]
        self.instances = {}
        for start in range(0, len(codes), 5000):
            chunk = sorted(set(codes[start : start + 5000]))
            for instance in resource._meta.model.objects.filter(**{f"{resource.credit_code_lookup}__in": chunk}):
                self.instances[self._instance_key(instance)] = instance

    def _instance_key(self, instance) -> tuple:
        return tuple(
            getattr(instance, field.attribute + ("_id" if field.attribute == "enterprise" else ""))
            for field in self.key_fields
        )

    def get_instance(self, row):
        try:
            key = []
            for field in self.key_fields:
                value = field.clean(row)
                key.append(value.pk if isinstance(value, Enterprise) else value)
        except ValueError:
            return None  # the row's own import reports the bad key
        return self.instances.get(tuple(key))


class _BulkResource(resources.ModelResource):
    # The dataset column holding the credit code, and the lookup from the model to it.
    credit_code_column = "enterprise"
    credit_code_lookup = "enterprise__credit_code"

    def before_import(self, dataset, **kwargs):
        for field in self.fields.values():
            if isinstance(field.widget, PreloadedForeignKeyWidget) and field.column_name in dataset.headers:
                field.widget.preload(dataset[field.column_name])
        return super().before_import(dataset, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Field validation, then the table's check constraints tested in Python: Django's own constraint
        validation costs one query per constraint per row, and bulk mode must not."""
        errors = dict(import_validation_errors or {})
        # Foreign keys were resolved from the database by their widgets already.
        resolved = [name for name, field in self.fields.items() if isinstance(field.widget, widgets.ForeignKeyWidget)]
        try:
            instance.full_clean(exclude=[*errors.keys(), *resolved], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, message in self.row_problems(instance).items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def row_problems(self, instance) -> dict[str, str]:
        return {}


class EnterpriseResource(_BulkResource):
    credit_code_column = "credit_code"
    credit_code_lookup = "credit_code"
    credit_code = fields.Field("credit_code", "credit_code", widget=CreditCodeWidget())
    county = fields.Field("county", "county", widget=widgets.ForeignKeyWidget(County, "code"))

    class Meta:
        model = Enterprise
        fields = (
            "credit_code",
            "name",
            "county",
            "industry_code",
            "industry_name",
            "high_tech_field",
            "founded_on",
            "address",
            "contact_person",
            "contact_phone",
            "credit_code_checked",
        )
        import_id_fields = ("credit_code",)
        instance_loader_class = PreloadedInstanceLoader
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True


class AnnualIndicatorResource(_BulkResource):
    enterprise = fields.Field("enterprise", "enterprise", widget=PreloadedForeignKeyWidget(Enterprise, "credit_code"))

    class Meta:
        model = AnnualIndicator
        exclude = ("id",)
        import_id_fields = ("enterprise", "year")
        instance_loader_class = PreloadedInstanceLoader
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True

    def row_problems(self, instance) -> dict[str, str]:
        problems = {}
        for name in INDICATOR_FIELDS:
            value = getattr(instance, name)
            if value is not None and value < 0:
                problems[name] = _("Must not be negative.")
        if (instance.st_personnel or 0) > (instance.employees or 0):
            problems["st_personnel"] = _("S&T personnel exceed the employees.")
        if (instance.rd_expense_domestic or 0) > (instance.rd_expense or 0):
            problems["rd_expense_domestic"] = _("R&D inside China exceeds the whole R&D expense.")
        return problems


class QualificationResource(_BulkResource):
    enterprise = fields.Field("enterprise", "enterprise", widget=PreloadedForeignKeyWidget(Enterprise, "credit_code"))

    class Meta:
        model = Qualification
        exclude = ("id",)
        import_id_fields = ("enterprise", "kind", "valid_from")
        instance_loader_class = PreloadedInstanceLoader
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True

    def row_problems(self, instance) -> dict[str, str]:
        if instance.valid_from and instance.valid_to and instance.valid_to < instance.valid_from:
            return {"valid_to": _("Valid to comes before valid from.")}
        return {}
