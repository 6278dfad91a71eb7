"""The access log's one write: a row per access announced by `core.access.record_access`."""

from audit.models import AccessEvent


def access_event_create(*, kind, what, filters, rows, subject, client_address, actor, **_signal) -> AccessEvent:
    """Receiver of `core.access.access_recorded` (the signal adds `sender` and `signal`)."""
    return AccessEvent.objects.create(
        kind=kind.value if hasattr(kind, "value") else kind,
        what=what[:200],
        subject=subject[:300],
        filters=filters,
        rows=rows,
        actor=actor,
        client_address=client_address,
    )
