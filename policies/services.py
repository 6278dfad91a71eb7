"""Writes: policies (their matches recomputed after commit), notices and read marks, events and registrations
(capacity held under concurrency: the event row is locked and a check constraint backs the count)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_enterprise_user
from core.uploads import sniff_upload
from policies.conditions import clean_conditions
from policies.models import (
    Event,
    Notice,
    NoticeRead,
    Policy,
)
from policies.permissions import addresses_own_county_only, may_edit_policies, may_publish

POLICY_FIELDS = ("title", "issuer", "document_number", "kind", "published_on", "applies_from", "applies_until",
                 "summary", "full_text", "attachment", "max_amount", "amount_note", "conditions", "active")  # fmt: skip
AUDIENCE_FIELDS = ("county", "tier", "policy", "include_nearly")
NOTICE_FIELDS = ("title", "body", *AUDIENCE_FIELDS)
EVENT_FIELDS = ("kind", "title", "topic", "description", "starts_at", "place", "capacity", *AUDIENCE_FIELDS)


def _enqueue_match(policy_id: int) -> None:
    from policies import tasks

    transaction.on_commit(lambda: tasks.match_policy.delay(policy_id))


# What a policy attachment may be, judged by its content: the documents a bureau publishes, and scans of them.
ATTACHMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "ofd", "ole", "png", "jpeg"})


def check_attachment(uploaded_file) -> None:
    """Refuse an attachment above POLICY_ATTACHMENT_MAX_MB, empty, or not a document or image by its content."""
    name = str(uploaded_file.name or "").rsplit("/", 1)[-1][:200]
    limit = settings.POLICY_ATTACHMENT_MAX_MB
    if uploaded_file.size is None or uploaded_file.size > limit * 1024 * 1024:
        raise ValidationError(
            {"attachment": _("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": limit}}
        )
    found = sniff_upload(uploaded_file)
    if found.kind not in ATTACHMENT_KINDS:
        raise ValidationError(
            {
                "attachment": _(
                    "“%(name)s” is %(what)s. An attachment must be a PDF, Word, Excel, WPS or OFD document or a "
                    "JPEG or PNG image (judged by its content, not its name)."
                )
                % {"name": name, "what": found.label}
            }
        )


def policy_save(*, actor, data: dict, policy: Policy | None = None) -> Policy:
    """Create or update a policy; its conditions are checked against the registry, and its matches recomputed
    against the current run once the transaction commits."""
    if not may_edit_policies(actor):
        raise PermissionDenied
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields: {sorted(unknown)}")
    try:
        conditions = clean_conditions(data.get("conditions", policy.conditions if policy else []))
    except ValidationError as error:
        raise ValidationError({"conditions": error.messages}) from None
    if isinstance(data.get("attachment"), UploadedFile):
        check_attachment(data["attachment"])
    policy = policy or Policy(created_by=actor)
    for name, value in data.items():
        # A form's "clear" box gives False for the attachment: no file.
        setattr(policy, name, "" if name == "attachment" and value is False else value)
    policy.conditions = conditions
    policy.full_clean()
    with transaction.atomic():
        policy.save()
        _enqueue_match(policy.pk)
    return policy


def _check_audience(*, actor, data: dict) -> None:
    if not may_publish(actor):
        raise PermissionDenied
    county = data.get("county")
    if addresses_own_county_only(actor) and (county is None or county.pk != actor.county_id):
        raise ValidationError({"county": _("County staff address the firms of their own county only.")})
    if data.get("include_nearly") and data.get("policy") is None:
        raise ValidationError({"include_nearly": _("Choose the policy whose near-matches should be included.")})


def notice_publish(*, actor, data: dict) -> Notice:
    unknown = set(data) - set(NOTICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown notice fields: {sorted(unknown)}")
    _check_audience(actor=actor, data=data)
    notice = Notice(author=actor, **data)
    notice.full_clean()
    notice.save()
    return notice


def notice_mark_read(*, notice: Notice, user) -> None:
    """Record that a firm's user opened a notice (from a scoped selector). Once; repeating changes nothing."""
    if is_enterprise_user(user):
        NoticeRead.objects.bulk_create([NoticeRead(notice=notice, user=user)], ignore_conflicts=True)


def event_create(*, actor, data: dict) -> Event:
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown event fields: {sorted(unknown)}")
    _check_audience(actor=actor, data=data)
    event = Event(created_by=actor, **data)
    event.full_clean()
    event.save()
    return event
