"""Run process instances: every engine step is saved with its domain change.

Callers hold a database transaction (`transaction.atomic`) around the
domain change and the engine step, so both commit or neither does. Each
function here locks the instance row before it loads the workflow.
"""

import logging
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from oportuna.access import OWNER_ROLE
from oportuna.errors import DomainError
from oportuna.users.roles import Role

from . import messages
from .engine import workflows
from .models import (
    DiagramVersion,
    HumanTask,
    InstanceStatus,
    OutboxMessage,
    ProcessInstance,
    TaskStatus,
)

logger = logging.getLogger(__name__)

INTAKE_PROCESS = "ingreso_control"
SHIPPED_DIAGRAMS = {
    INTAKE_PROCESS: Path(__file__).parent / "diagrams" / "ingreso_control.bpmn",
}
# Lane name -> role, for the shipped diagram of the intake process.
INTAKE_LANE_ROLES = {
    "Ingresos y Desvíos": Role.REGISTRAR.value,
    "Coordinador OVs": Role.COORDINATOR.value,
    "Responsable OV": OWNER_ROLE,
}


def log_extra(instance, **ids):
    return {
        "process_instance_id": instance.pk,
        "opportunity_id": instance.opportunity_id,
        **ids,
    }


def install_diagram(bpmn_xml, *, process_key, lane_roles):
    """Store a new version of a diagram and make it the active one.

    Installing the same content again returns the version already stored,
    made active again with its original lane mapping, so uploading an older
    file rolls back to it. Raises workflows.DiagramError when the file
    cannot be used.
    """
    parsed = workflows.parse_diagram(bpmn_xml, process_key)
    unmapped = [lane for lane in parsed.lanes if lane not in lane_roles]
    if unmapped:
        raise workflows.DiagramError(
            [f"lane {lane!r} is not mapped to a role" for lane in unmapped]
        )
    with transaction.atomic():
        existing = DiagramVersion.objects.filter(
            process_key=process_key, sha256=parsed.sha256
        ).first()
        if existing is not None:
            if not existing.is_active:
                DiagramVersion.objects.filter(process_key=process_key).update(
                    is_active=False
                )
                existing.is_active = True
                existing.save(update_fields=["is_active"])
            return existing
        latest = DiagramVersion.objects.filter(process_key=process_key).aggregate(
            Max("version")
        )["version__max"]
        DiagramVersion.objects.filter(process_key=process_key).update(is_active=False)
        diagram = DiagramVersion.objects.create(
            process_key=process_key,
            name=parsed.name,
            version=(latest or 0) + 1,
            sha256=parsed.sha256,
            bpmn_xml=bpmn_xml,
            spec=parsed.spec,
            lane_roles=lane_roles,
        )
    logger.info("Installed diagram %s version %s", process_key, diagram.version)
    return diagram


def active_diagram(process_key=INTAKE_PROCESS):
    """Return the active version, installing the shipped diagram if none is."""
    diagram = (
        DiagramVersion.objects.filter(process_key=process_key, is_active=True)
        .order_by("-version")
        .first()
    )
    if diagram is None:
        bpmn_xml = SHIPPED_DIAGRAMS[process_key].read_text(encoding="utf-8")
        diagram = install_diagram(
            bpmn_xml, process_key=process_key, lane_roles=INTAKE_LANE_ROLES
        )
    return diagram


def start_process(opportunity, *, actor, diagram=None):
    """Start the intake process for a new opportunity and run it to its first wait."""
    diagram = diagram or active_diagram()
    workflow = workflows.new_workflow(diagram.spec)
    workflows.set_start_data(workflow, opportunity_id=opportunity.pk)
    thrown = workflows.run_engine_steps(workflow)
    instance = ProcessInstance(diagram=diagram, opportunity=opportunity, state="")
    _save(instance, workflow, thrown, actor=actor)
    logger.info("Started process", extra=log_extra(instance))
    return instance


def complete_task(task, *, actor, data=None):
    """Complete an open user task and run the process to its next wait.

    Raises DomainError("task_not_open") if another request completed the
    task first.
    """
    instance = _lock(task.instance_id)
    task = HumanTask.objects.get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise DomainError("task_not_open")
    workflow = _restore(instance)
    try:
        workflows.complete_user_task(workflow, task.task_id, data or {})
    except LookupError as error:
        raise DomainError("task_not_open") from error
    thrown = workflows.run_engine_steps(workflow)
    _save(instance, workflow, thrown, actor=actor)
    logger.info(
        "Completed task %s",
        task.bpmn_id,
        extra=log_extra(instance, task_id=str(task.task_id)),
    )


def send_message(opportunity, message_name, *, actor, payload=None):
    """Deliver a message to the event of the opportunity's process waiting for it."""
    instance = _lock(opportunity.process.pk)
    workflow = _restore(instance)
    try:
        workflows.deliver_message(workflow, message_name, payload or {})
    except LookupError as error:
        raise DomainError("process_not_running") from error
    thrown = workflows.run_engine_steps(workflow)
    _save(instance, workflow, thrown, actor=actor)


def is_waiting_for(opportunity, message_name):
    instance = getattr(opportunity, "process", None)
    if instance is None or instance.status != InstanceStatus.RUNNING:
        return False
    return message_name in workflows.waiting_messages(_restore(instance))


def refresh_owner_tasks(opportunity):
    """Point the open owner-lane tasks at the opportunity's current owner."""
    HumanTask.objects.filter(
        opportunity=opportunity, role=OWNER_ROLE, status=TaskStatus.OPEN
    ).update(assignee=opportunity.owner, partner=opportunity.owner_partner)


def _lock(instance_id):
    return (
        ProcessInstance.objects.select_for_update()
        .select_related("diagram", "opportunity")
        .get(pk=instance_id)
    )


def _restore(instance):
    return workflows.restore_workflow(instance.diagram.spec, instance.state)


def _save(instance, workflow, thrown, *, actor):
    now = timezone.now()
    instance.state = workflows.dump_state(workflow)
    # NOTE: nothing fires due timers yet; a periodic job will select on this.
    instance.next_timer_at = workflows.next_timer_due(workflow)
    instance.revision += 1
    if workflow.completed:
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = now
    instance.save()
    _sync_tasks(instance, workflow, actor=actor, now=now)
    for message in thrown:
        _dispatch(instance, message, actor=actor, now=now)


def _sync_tasks(instance, workflow, *, actor, now):
    """Mirror the workflow's READY user tasks into HumanTask rows."""
    ready = {info.task_id: info for info in workflows.ready_user_tasks(workflow)}
    open_rows = {
        str(row.task_id): row
        for row in HumanTask.objects.filter(instance=instance, status=TaskStatus.OPEN)
    }
    finished = [task_id for task_id in open_rows if task_id not in ready]
    cancelled = [
        row_id for row_id in finished if workflows.was_cancelled(workflow, row_id)
    ]
    completed = [row_id for row_id in finished if row_id not in cancelled]
    if completed:
        HumanTask.objects.filter(task_id__in=completed).update(
            status=TaskStatus.COMPLETED, completed_at=now, completed_by=actor
        )
    if cancelled:
        HumanTask.objects.filter(task_id__in=cancelled).update(
            status=TaskStatus.CANCELLED, completed_at=now
        )

    opportunity = instance.opportunity
    new_rows = []
    for task_id, info in ready.items():
        if task_id in open_rows:
            continue
        role = instance.diagram.lane_roles.get(info.lane, "")
        is_owner_task = role == OWNER_ROLE
        new_rows.append(
            HumanTask(
                instance=instance,
                opportunity=opportunity,
                task_id=task_id,
                bpmn_id=info.bpmn_id,
                name=info.name,
                form_key=info.form_key,
                code=info.code,
                lane=info.lane,
                role=role,
                assignee=opportunity.owner if is_owner_task else None,
                partner=opportunity.owner_partner if is_owner_task else None,
                created_at=now,
            )
        )
    HumanTask.objects.bulk_create(new_rows)


def _dispatch(instance, message, *, actor, now):
    handler = messages.HANDLERS.get(message.name)
    outbox = OutboxMessage.objects.create(
        instance=instance,
        name=message.name,
        payload=message.payload,
        handled_at=now if handler else None,
    )
    if handler is not None:
        handler(instance.opportunity, message.payload, actor=actor)
    else:
        logger.info(
            "Message %s waits in the outbox",
            message.name,
            extra=log_extra(instance, outbox_id=outbox.pk),
        )
