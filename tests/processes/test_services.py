"""Process services: diagram versions, task mirrors and the outbox."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

import factories
from oportuna.errors import DomainError
from oportuna.observatories.models import Publication
from oportuna.opportunities import services as opportunity_services
from oportuna.processes import services
from oportuna.processes.engine.workflows import DiagramError
from oportuna.processes.models import (
    DiagramVersion,
    HumanTask,
    InstanceStatus,
    OutboxMessage,
    TaskStatus,
)
from oportuna.users.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

INTAKE = services.INTAKE_PROCESS
FOLLOW_UP_NAME = "Acciones de Seguimiento de OV"


def shipped_xml():
    return services.SHIPPED_DIAGRAMS[INTAKE].read_text(encoding="utf-8")


def changed_xml(follow_up_name="Seguimiento comercial"):
    """The shipped diagram with the follow-up task renamed."""
    return shipped_xml().replace(f'name="{FOLLOW_UP_NAME}"', f'name="{follow_up_name}"')


def install(xml):
    return services.install_diagram(
        xml, process_key=INTAKE, lane_roles=services.INTAKE_LANE_ROLES
    )


def open_tasks(opportunity):
    return list(
        HumanTask.objects.filter(opportunity=opportunity, status=TaskStatus.OPEN)
    )


# Installing diagrams


def test_install_diagram_same_content_returns_stored_version():
    first = install(shipped_xml())

    again = install(shipped_xml())

    assert again.pk == first.pk
    assert DiagramVersion.objects.filter(process_key=INTAKE).count() == 1


def test_install_diagram_stores_spec_and_lane_roles():
    diagram = install(shipped_xml())

    assert diagram.version == 1
    assert diagram.is_active
    assert diagram.name == "Ingreso y Control de Oportunidades"
    assert diagram.lane_roles == services.INTAKE_LANE_ROLES
    assert set(diagram.spec) == {"spec", "subprocess_specs"}
    assert diagram.bpmn_xml == shipped_xml()


def test_install_diagram_changed_content_adds_version():
    first = install(shipped_xml())

    second = install(changed_xml())

    first.refresh_from_db()
    assert second.version == 2
    assert second.is_active
    assert not first.is_active
    assert first.bpmn_xml == shipped_xml()
    assert DiagramVersion.objects.filter(process_key=INTAKE).count() == 2


def test_install_diagram_old_content_becomes_active_again():
    first = install(shipped_xml())
    second = install(changed_xml())

    again = install(shipped_xml())

    second.refresh_from_db()
    assert again.pk == first.pk
    assert again.is_active
    assert not second.is_active
    assert services.active_diagram(INTAKE).pk == first.pk


def test_install_diagram_rejects_unmapped_lane():
    lane_roles = dict(services.INTAKE_LANE_ROLES)
    del lane_roles["Responsable OV"]

    with pytest.raises(DiagramError) as caught:
        services.install_diagram(
            shipped_xml(), process_key=INTAKE, lane_roles=lane_roles
        )

    assert caught.value.problems == ["lane 'Responsable OV' is not mapped to a role"]
    assert not DiagramVersion.objects.exists()


def test_active_diagram_installs_shipped_diagram_once():
    diagram = services.active_diagram()
    again = services.active_diagram()

    assert again.pk == diagram.pk
    assert diagram.version == 1
    assert diagram.lane_roles == services.INTAKE_LANE_ROLES


# Running instances


def test_start_process_mirrors_one_coordinator_task(registrar):
    opportunity = factories.make_opportunity()

    instance = services.start_process(opportunity, actor=registrar)

    tasks = open_tasks(opportunity)
    assert instance.status == InstanceStatus.RUNNING
    assert instance.diagram == services.active_diagram()
    assert instance.revision == 1
    assert len(tasks) == 1
    assert tasks[0].instance == instance
    assert tasks[0].role == Role.COORDINATOR
    assert tasks[0].bpmn_id == "TP_69"
    assert tasks[0].form_key == "assign_owner"
    assert tasks[0].code == "TP.69"
    assert tasks[0].lane == "Coordinador OVs"
    assert tasks[0].assignee is None
    assert tasks[0].partner is None


def test_complete_task_moves_follow_up_to_salesperson(
    registrar, coordinator, salesperson
):
    opportunity = factories.make_opportunity()
    services.start_process(opportunity, actor=registrar)
    assign_task = open_tasks(opportunity)[0]
    opportunity.owner = salesperson
    opportunity.save()

    services.complete_task(assign_task, actor=coordinator)

    assign_task.refresh_from_db()
    follow_up = open_tasks(opportunity)
    assert assign_task.status == TaskStatus.COMPLETED
    assert assign_task.completed_by == coordinator
    assert assign_task.completed_at is not None
    assert len(follow_up) == 1
    assert follow_up[0].role == services.OWNER_ROLE
    assert follow_up[0].form_key == "follow_up"
    assert follow_up[0].name == FOLLOW_UP_NAME
    assert follow_up[0].assignee == salesperson
    assert follow_up[0].partner is None


def test_complete_task_moves_follow_up_to_partner(registrar, coordinator, partner_a):
    opportunity = factories.make_opportunity()
    services.start_process(opportunity, actor=registrar)
    assign_task = open_tasks(opportunity)[0]
    opportunity.owner_partner = partner_a
    opportunity.save()

    services.complete_task(assign_task, actor=coordinator)

    follow_up = open_tasks(opportunity)
    assert len(follow_up) == 1
    assert follow_up[0].assignee is None
    assert follow_up[0].partner == partner_a


def test_complete_task_twice_raises_task_not_open(registrar, coordinator):
    opportunity = factories.make_opportunity()
    services.start_process(opportunity, actor=registrar)
    assign_task = open_tasks(opportunity)[0]
    services.complete_task(assign_task, actor=coordinator)

    with pytest.raises(DomainError) as caught:
        services.complete_task(assign_task, actor=coordinator)

    assert caught.value.code == "task_not_open"
    assert caught.value.message == (
        "This task is no longer open: someone completed it already. Reload the page."
    )


def test_complete_task_twice_leaves_instance_unchanged(registrar, coordinator):
    opportunity = factories.make_opportunity()
    instance = services.start_process(opportunity, actor=registrar)
    assign_task = open_tasks(opportunity)[0]
    services.complete_task(assign_task, actor=coordinator)
    instance.refresh_from_db()
    revision = instance.revision

    with pytest.raises(DomainError):
        services.complete_task(assign_task, actor=coordinator)

    instance.refresh_from_db()
    assert instance.revision == revision
    assert len(open_tasks(opportunity)) == 1


def test_instance_keeps_diagram_version_after_new_install(
    registrar, coordinator, salesperson
):
    first = install(shipped_xml())
    old_opportunity = factories.make_opportunity(owner=salesperson)
    old_instance = services.start_process(old_opportunity, actor=registrar)
    second = install(changed_xml("Seguimiento comercial"))
    new_opportunity = factories.make_opportunity(owner=salesperson)
    new_instance = services.start_process(new_opportunity, actor=registrar)

    services.complete_task(open_tasks(old_opportunity)[0], actor=coordinator)
    services.complete_task(open_tasks(new_opportunity)[0], actor=coordinator)

    old_instance.refresh_from_db()
    assert old_instance.diagram == first
    assert new_instance.diagram == second
    assert open_tasks(old_opportunity)[0].name == FOLLOW_UP_NAME
    assert open_tasks(new_opportunity)[0].name == "Seguimiento comercial"


def test_send_message_without_waiting_event_raises(latent_opportunity, coordinator):
    with pytest.raises(DomainError) as caught:
        services.send_message(
            latent_opportunity, "publicar_observatorio", actor=coordinator
        )

    assert caught.value.code == "process_not_running"
    assert caught.value.message == (
        "The process of this opportunity is not waiting for this step. Reload the page."
    )


def test_is_waiting_for_follows_follow_up_task(
    latent_opportunity, coordinator, salesperson
):
    before = services.is_waiting_for(latent_opportunity, "publicar_observatorio")
    factories.assign(latent_opportunity, coordinator, salesperson=salesperson)
    latent_opportunity.refresh_from_db()
    during = services.is_waiting_for(latent_opportunity, "publicar_observatorio")
    opportunity_services.close_lost(
        latent_opportunity, actor=salesperson, lost_reason=factories.lost_reason()
    )
    latent_opportunity.refresh_from_db()
    after = services.is_waiting_for(latent_opportunity, "publicar_observatorio")

    assert before is False
    assert during is True
    assert after is False


def test_refresh_owner_tasks_follows_new_owner(owned_opportunity, other_salesperson):
    owned_opportunity.owner = other_salesperson
    owned_opportunity.save()

    services.refresh_owner_tasks(owned_opportunity)

    follow_up = open_tasks(owned_opportunity)
    assert len(follow_up) == 1
    assert follow_up[0].assignee == other_salesperson


# The outbox


def test_publication_message_is_handled_at_once(owned_opportunity, salesperson):
    opportunity_services.publish_to_observatory(owned_opportunity, actor=salesperson)

    messages = list(OutboxMessage.objects.filter(instance=owned_opportunity.process))
    assert len(messages) == 1
    assert messages[0].name == "observatorio_publicacion"
    assert messages[0].payload == {"opportunity_id": owned_opportunity.pk}
    assert messages[0].handled_at is not None
    assert Publication.objects.filter(opportunity=owned_opportunity).count() == 1


def test_order_message_waits_in_outbox(offer_sent_opportunity, salesperson):
    opportunity_services.close_won(
        offer_sent_opportunity, actor=salesperson, amount=1000
    )

    messages = list(
        OutboxMessage.objects.filter(instance=offer_sent_opportunity.process)
    )
    assert len(messages) == 1
    assert messages[0].name == "pedido_a_suministro"
    assert messages[0].payload == {"opportunity_id": offer_sent_opportunity.pk}
    assert messages[0].handled_at is None


def test_lost_opportunity_leaves_outbox_empty(offer_sent_opportunity, salesperson):
    opportunity_services.close_lost(
        offer_sent_opportunity, actor=salesperson, lost_reason=factories.lost_reason()
    )

    assert not OutboxMessage.objects.filter(
        instance=offer_sent_opportunity.process
    ).exists()


# Timers


def test_waiting_timer_sets_next_timer_at(registrar):
    xml = (Path(__file__).parent / "diagrams" / "follow_up_reminder.bpmn").read_text()
    diagram = services.install_diagram(
        xml, process_key="follow_up_reminder", lane_roles={"Responsable OV": "owner"}
    )
    opportunity = factories.make_opportunity()
    before = timezone.now()

    instance = services.start_process(opportunity, actor=registrar, diagram=diagram)

    assert instance.next_timer_at is not None
    assert before + timedelta(minutes=59) < instance.next_timer_at
    assert instance.next_timer_at < timezone.now() + timedelta(minutes=61)


def test_shipped_process_has_no_timer(latent_opportunity):
    assert latent_opportunity.process.next_timer_at is None
