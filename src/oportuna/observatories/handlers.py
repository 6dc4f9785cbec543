"""Receive what the intake process sends to the observatories."""

from oportuna.processes.messages import handles

from .models import Publication

PUBLICATION_MESSAGE = "observatorio_publicacion"


@handles(PUBLICATION_MESSAGE)
def record_publication(opportunity, payload, *, actor):
    actions = list(opportunity.actions.select_related("action_type"))
    publication = Publication.objects.create(
        opportunity=opportunity,
        published_by=actor,
        actions_proposed=opportunity.actions_proposed,
        actions_in_progress=opportunity.actions_in_progress,
        actions_done=opportunity.actions_done,
        total_cost=opportunity.total_cost,
        actions=[
            {
                "id": action.pk,
                "type": action.action_type.code,
                "subject": action.subject,
                "state": action.state,
                "planned_start": action.planned_start.isoformat(),
                "planned_end": action.planned_end.isoformat()
                if action.planned_end
                else None,
                "cost": str(action.cost),
                "currency": action.currency,
            }
            for action in actions
        ],
    )
    type(opportunity).objects.filter(pk=opportunity.pk).update(
        last_published_at=publication.published_at
    )
    return publication
