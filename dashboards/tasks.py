"""Celery tasks of the dashboards: thin, named, idempotent (a refresh recomputes everything from the registry)."""

from celery import shared_task

from dashboards import scheduling, services


@shared_task(name="dashboards.refresh", acks_late=True, ignore_result=True)
def refresh(trigger: str = "manual") -> None:
    scheduling.refresh_started()
    services.refresh_dashboard(trigger=trigger)
