"""The enterprise list's filters, shared by the page, the API and (later) exports, so they cannot drift apart."""

import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, TextField, Value
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.credit_codes import normalize_credit_code
from enterprises.industries import INDUSTRY_DIVISIONS
from enterprises.models import (
    LEFT_POOL_STATUSES,
    County,
    Enterprise,
    HighTechField,
    QualificationKind,
    RegistrationStatus,
)
from enterprises.selectors import county_choices, valid_qualifications

# The registration status filter: each status, and every firm that left (closed or moved out) at once.
LEFT_POOL = "left"
STATUS_CHOICES = [*RegistrationStatus.choices, (LEFT_POOL, _("Closed or moved out"))]
INDUSTRY_CHOICES = [(code, f"{code} {name}") for code, name in INDUSTRY_DIVISIONS.items()]


def _characters(expression):
    """The upper-cased characters of a string as an array, the expression enterprise_name_chars_gin indexes."""
    return Func(
        Upper(expression),
        Value(None, output_field=CharField()),
        function="string_to_array",
        # text[], not varchar[]: PostgreSQL has no @> between varchar[] and text[].
        output_field=ArrayField(TextField()),
    )


def _counties(request):
    if request is None:
        return County.objects.none()
    return county_choices(user=request.user)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Name or credit code"))
    county = django_filters.ModelChoiceFilter(
        queryset=_counties, field_name="county", to_field_name="code", label=_("County")
    )
    industry = django_filters.ChoiceFilter(choices=INDUSTRY_CHOICES, method="filter_industry", label=_("Industry"))
    qualification = django_filters.ChoiceFilter(
        choices=QualificationKind.choices, method="filter_qualification", label=_("Valid qualification")
    )
    high_tech_field = django_filters.ChoiceFilter(choices=HighTechField.choices, label=_("High-tech field"))
    above_scale = django_filters.BooleanFilter(
        field_name="is_above_scale",
        label=_("Above designated size"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label=_("Registration status"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("credit_code", "credit_code"),
            ("county__code", "county"),
            ("founded_on", "founded_on"),
            ("latest_revenue", "revenue"),
        ),
        field_labels={
            "name": _("Name"),
            "credit_code": _("Credit code"),
            "county__code": _("County"),
            "founded_on": _("Founded"),
            "latest_revenue": _("Revenue"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Enterprise
        fields = ["q", "county", "industry", "qualification", "high_tech_field", "above_scale", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.form.fields.items():
            css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            form_field.widget.attrs.setdefault("class", css)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value)
        if connection.vendor == "postgresql":
            # Lets PostgreSQL use enterprise_name_chars_gin; icontains above keeps the match exact.
            queryset = queryset.alias(name_characters=_characters(F("name")))
            condition &= Q(name_characters__contains=_characters(Value(value)))
        code = normalize_credit_code(value)
        if code.isalnum() and len(code) >= 4:
            condition |= Q(credit_code__startswith=code)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        if value == LEFT_POOL:
            return queryset.filter(registration_status__in=LEFT_POOL_STATUSES)
        return queryset.filter(registration_status=value)

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry_code__startswith=value) if value else queryset

    def filter_qualification(self, queryset, name, value):
        if not value:
            return queryset
        held = valid_qualifications(on=timezone.localdate()).filter(kind=value, enterprise=OuterRef("pk"))
        return queryset.filter(Exists(held))
