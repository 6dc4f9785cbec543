from django.db import transaction

from oportuna.processes import services as processes

from ..models import EventKind
from .audit import record_event
from .checks import check_follow_up_allowed, lock_opportunity

# The message the follow-up task's “Publish to observatory” event waits for.
PUBLISH_MESSAGE = "publicar_observatorio"


def publish_to_observatory(opportunity, *, actor):
    """Send the opportunity's actions to the observatories; the task stays open.

    The process diverts a copy of its flow to the observatories; the
    snapshot itself is written by the handler of the message it throws
    (oportuna.observatories.handlers).
    """
    with transaction.atomic():
        opportunity = lock_opportunity(opportunity)
        check_follow_up_allowed(actor, opportunity)
        record_event(opportunity, EventKind.PUBLISHED, actor=actor)
        processes.send_message(opportunity, PUBLISH_MESSAGE, actor=actor)
    return opportunity


def can_publish(opportunity):
    return not opportunity.is_closed and processes.is_waiting_for(
        opportunity, PUBLISH_MESSAGE
    )
