"""Signals that let a lower app announce a change to the apps above it without importing them."""

from django.dispatch import Signal

# A change moved one of the figures the leaders read (a claim granted or paid, data imported, a campaign outcome,
# officers assigned, a tier pin, a scoring run published). Sent inside the transaction making the change, with
# `change` naming it; a receiver acts once that transaction commits (dashboards: one refresh).
figures_changed = Signal()
