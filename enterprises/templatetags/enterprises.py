from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from enterprises.models import CLOSED_STATUSES, RegistrationStatus, SourceKind
from enterprises.permissions import can_import, can_resolve_conflicts
from enterprises.selectors import MONEY_ROWS, figure_label

register = template.Library()


@register.filter
def may_import(user) -> bool:
    return can_import(user)


@register.filter
def may_resolve_conflicts(user) -> bool:
    return can_resolve_conflicts(user)


def describe_source(observation) -> str:
    """An observation in plain words: the source, its list or file, as of which day, by whom."""
    parts = [observation.get_source_kind_display()]
    if observation.source_name:
        parts.append(observation.source_name)
    if observation.document and observation.document != observation.source_name:
        parts.append(observation.document)
    parts.append(_("as of %(day)s") % {"day": date_format(observation.as_of, "Y-m-d")})
    if observation.actor_id:
        parts.append(_("by %(who)s") % {"who": observation.actor.get_full_name() or observation.actor.get_username()})
    return " · ".join(str(part) for part in parts)


@register.simple_tag
def source_tag(figure):
    """A small tag beside a figure naming its source (in force under the current precedence); its title says the
    rest. Nothing when the figure has no recorded source."""
    if figure is None or figure.in_force is None:
        return ""
    observation = figure.in_force
    return format_html(
        '<span class="source-tag" title="{}">{}</span>',
        describe_source(observation),
        observation.get_source_kind_display(),
    )


@register.filter
def source_words(observation) -> str:
    return describe_source(observation)


@register.filter
def figure_name(field: str):
    return figure_label(field)


@register.simple_tag
def observed_value(observation):
    """An observation's value with its unit: a date, an amount in 10k yuan, or a count."""
    if observation.value_date:
        return date_format(observation.value_date, "Y-m-d")
    if observation.field in MONEY_ROWS:
        return _("%(amount)s 10k yuan") % {"amount": f"{observation.value / 10000:,.2f}"}
    return f"{observation.value:,.0f}"


@register.simple_tag
def registration_badge(enterprise):
    """A badge for a firm no longer in business in the city (closed or moved out), with the day of the register's
    extract that said so; nothing for a firm in business."""
    status = enterprise.registration_status
    if not status or status == RegistrationStatus.ACTIVE:
        return ""
    label = RegistrationStatus(status).label
    text = (
        _("%(status)s since %(day)s") % {"status": label, "day": date_format(enterprise.status_as_of, "Y-m-d")}
        if enterprise.status_as_of
        else str(label)
    )
    css = "text-bg-danger" if status in CLOSED_STATUSES else "text-bg-secondary"
    return format_html(
        '<span class="badge {} badge-registration" data-status="{}" title="{}">{}</span>',
        css,
        status,
        _("Registration status in the market-regulation register"),
        text,
    )


# The portrait's source tags: a word for each kind of source (部门 / 自报 / 表格 / 手工).
SHORT_KIND_LABELS = {
    SourceKind.DEPARTMENT: pgettext_lazy("source tag", "Department"),
    SourceKind.SELF_REPORT: pgettext_lazy("source tag", "Self-reported"),
    SourceKind.SPREADSHEET: pgettext_lazy("source tag", "Spreadsheet"),
    SourceKind.STAFF_EDIT: pgettext_lazy("source tag", "Manual"),
}


@register.simple_tag
def portrait_source_tags(groups):
    """The source tags of one row of the portrait (enterprises.selectors.source_groups): one small tag per kind of
    source in force, its title naming each figure with its list or file, as-of day and who; a link to the first
    figure's history on the firm page."""
    if not groups:
        return ""
    return format_html_join(
        " ",
        '<a class="source-tag source-link" href="#{}" data-source="{}" title="{}">{}</a>',
        (
            (
                group.anchor,
                group.kind,
                "\n".join(f"{name}: {describe_source(figure.in_force)}" for name, figure in group.figures),
                SHORT_KIND_LABELS.get(group.kind, group.kind),
            )
            for group in groups
        ),
    )
