"""Celery tasks of the policy service: thin, named, taking ids, idempotent (see policies.matching)."""

from celery import shared_task

from policies import matching


@shared_task(name="policies.match_policy", acks_late=True, ignore_result=True)
def match_policy(policy_id: int) -> None:
    """Recompute one policy's matches against the newest published run (after staff saved it)."""
    matching.match_policy(policy_id=policy_id)
