from celery import shared_task
from django.utils import timezone

from ip.services import evaluate_patents


@shared_task(name="ip.evaluate_all", ignore_result=True)
def evaluate_all() -> int:
    """Re-evaluation of every right as of today, by hand (each night's is the nightly pipeline's first step):
    remaining life and years maintained move with the calendar, so a patent can turn high-value (or lose points)
    without any edit. Idempotent: rows whose flags and score did not change are not rewritten."""
    return evaluate_patents(on=timezone.localdate())
