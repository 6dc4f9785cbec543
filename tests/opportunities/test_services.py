"""Opportunity services: registration, assignment, actions, phases, closing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

import factories
from oportuna.accounts.models import Account, AccountKind
from oportuna.catalog.models import Department, Importance, Size, Source
from oportuna.errors import DomainError
from oportuna.observatories.models import Publication
from oportuna.opportunities import services
from oportuna.opportunities.models import (
    ActionState,
    EventKind,
    FollowUpAction,
    Opportunity,
    OpportunityEvent,
    Order,
    PhaseChange,
)
from oportuna.opportunities.phases import Phase
from oportuna.processes.engine import workflows
from oportuna.processes.models import HumanTask, InstanceStatus, TaskStatus
from oportuna.users.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def tasks_of(opportunity, form_key, status):
    return list(
        HumanTask.objects.filter(
            opportunity=opportunity, form_key=form_key, status=status
        )
    )


def row_counts():
    """Count the rows a failed service call must not leave behind."""
    return {
        "actions": FollowUpAction.objects.count(),
        "phase_changes": PhaseChange.objects.count(),
        "events": OpportunityEvent.objects.count(),
        "orders": Order.objects.count(),
        "publications": Publication.objects.count(),
    }


@pytest.fixture
def licence():
    return factories.make_product(
        "crm-licence", name="Licencia CRM", unit_price=Decimal("1200.00")
    )


@pytest.fixture
def training():
    return factories.make_product(
        "training", name="Formación", unit_price=Decimal("350.50")
    )


# Registration


def test_register_new_name_creates_prospect(registrar):
    opportunity = factories.register(registrar, account_name="Consultoría Pérez S.L.")

    account = opportunity.account
    assert account.name == "Consultoría Pérez S.L."
    assert account.kind == AccountKind.PROSPECT
    assert account.match_key == "consultoriaperez"


def test_register_equivalent_name_reuses_account(registrar):
    first = factories.register(registrar, account_name="Consultoría Pérez S.L.")

    second = factories.register(registrar, account_name="consultoria perez sl")

    assert second.account_id == first.account_id
    assert Account.objects.count() == 1


def test_register_tax_id_match_wins_over_name(registrar):
    by_tax_id = factories.make_account("Grupo Norte S.A.", tax_id="B12345678")
    factories.make_account("Norte Holding S.L.")

    opportunity = factories.register(
        registrar, account_name="Norte Holding", account_fields={"tax_id": "b12345678"}
    )

    assert opportunity.account_id == by_tax_id.pk
    assert Account.objects.count() == 2


def test_register_new_account_gets_account_fields(registrar):
    opportunity = factories.register(
        registrar,
        account_name="  Talleres Iglesias  ",
        account_fields={"tax_id": "A87654321", "city": "Valladolid"},
    )

    account = opportunity.account
    assert account.name == "Talleres Iglesias"
    assert account.tax_id == "A87654321"
    assert account.city == "Valladolid"
    assert account.kind == AccountKind.PROSPECT


def test_register_given_account_skips_matching(registrar):
    chosen = factories.make_account("Clínica Dental Sur", kind=AccountKind.CLIENT)
    factories.make_account("Consultoría Pérez S.L.")

    opportunity = factories.register(
        registrar, account=chosen, account_name="Consultoría Pérez S.L."
    )

    assert opportunity.account_id == chosen.pk


def test_register_stores_products_departments_contacts(registrar, licence, training):
    departments = [
        factories.option(Department, "it"),
        factories.option(Department, "finance"),
    ]

    opportunity = factories.register(
        registrar,
        products=[(licence, Decimal("3")), (training, Decimal("2"))],
        departments=departments,
        contact_names=["Ana Gil", "Luis Mora", "  "],
    )

    requested = {
        row.product.code: row.quantity for row in opportunity.requested_products.all()
    }
    assert requested == {"crm-licence": Decimal("3"), "training": Decimal("2")}
    assert set(opportunity.departments.values_list("code", flat=True)) == {
        "it",
        "finance",
    }
    assert sorted(opportunity.contacts.values_list("name", flat=True)) == [
        "Ana Gil",
        "Luis Mora",
    ]
    assert opportunity.account.contacts.count() == 2


def test_register_adds_up_repeated_product(registrar, licence):
    opportunity = factories.register(
        registrar, products=[(licence, Decimal("1")), (licence, Decimal("2.5"))]
    )

    rows = list(opportunity.requested_products.all())
    assert len(rows) == 1
    assert rows[0].quantity == Decimal("3.5")


def test_register_reuses_existing_contact(registrar):
    first = factories.register(
        registrar, account_name="Consultoría Pérez S.L.", contact_names=["Ana Gil"]
    )

    second = factories.register(
        registrar, account_name="Consultoría Pérez S.L.", contact_names=["ana gil"]
    )

    assert list(second.contacts.all()) == list(first.contacts.all())
    assert first.account.contacts.count() == 1


def test_register_copies_record_fields(registrar):
    account = factories.make_account("Bodegas Ruiz", line_of_business="Vino")

    opportunity = factories.register(
        registrar,
        account=account,
        record={
            "source": factories.option(Source, "account_call"),
            "importance": factories.option(Importance, "important"),
            "size": factories.option(Size, "medium"),
            "budget": Decimal("15000.00"),
            "description": "Quieren renovar el ERP.",
        },
    )

    opportunity.refresh_from_db()
    assert opportunity.source.code == "account_call"
    assert opportunity.importance.code == "important"
    assert opportunity.size.code == "medium"
    assert opportunity.budget == Decimal("15000.00")
    assert opportunity.description == "Quieren renovar el ERP."
    assert opportunity.line_of_business == "Vino"


def test_register_starts_latent_with_milestone(registrar):
    before = timezone.now()

    opportunity = factories.register(registrar)

    after = timezone.now()
    changes = list(opportunity.phase_changes.all())
    assert opportunity.phase == Phase.LATENT
    assert before <= opportunity.registered_at <= after
    assert opportunity.registered_by == registrar
    assert opportunity.first_action_at is None
    assert len(changes) == 1
    assert changes[0].from_phase is None
    assert changes[0].to_phase == Phase.LATENT
    assert changes[0].changed_by == registrar


def test_register_records_registered_event(registrar):
    opportunity = factories.register(registrar)

    events = list(opportunity.events.all())
    assert len(events) == 1
    assert events[0].kind == EventKind.REGISTERED
    assert events[0].actor == registrar


def test_register_starts_intake_process(registrar):
    opportunity = factories.register(registrar)

    tasks = tasks_of(opportunity, factories.ASSIGN_FORM, TaskStatus.OPEN)
    assert opportunity.process.status == InstanceStatus.RUNNING
    assert len(tasks) == 1
    assert tasks[0].role == Role.COORDINATOR
    assert HumanTask.objects.filter(opportunity=opportunity).count() == 1


def test_register_without_account_raises(registrar):
    with pytest.raises(DomainError) as caught:
        services.register_opportunity(
            registered_by=registrar, record={"name": "Sin cuenta"}, account_name="   "
        )

    assert caught.value.code == "account_required"
    assert caught.value.field == "account_name"
    assert caught.value.message == (
        "Enter the account's name or choose an existing account."
    )
    assert not Opportunity.objects.exists()


def test_register_by_salesperson_not_allowed(salesperson):
    with pytest.raises(DomainError) as caught:
        factories.register(salesperson, account_name="Consultoría Pérez S.L.")

    assert caught.value.code == "not_allowed"
    assert caught.value.message == "You are not allowed to do this."
    assert not Opportunity.objects.exists()
    assert not Account.objects.exists()


def test_register_by_coordinator_allowed(coordinator):
    opportunity = factories.register(coordinator)

    assert opportunity.registered_by == coordinator


# Assignment


def test_assign_salesperson_puts_them_in_charge(
    latent_opportunity, coordinator, salesperson
):
    task = factories.open_task(latent_opportunity, factories.ASSIGN_FORM)

    opportunity = services.assign_owner(
        task, actor=coordinator, salesperson=salesperson
    )

    task.refresh_from_db()
    follow_up = tasks_of(opportunity, factories.FOLLOW_UP_FORM, TaskStatus.OPEN)
    assert opportunity.owner == salesperson
    assert opportunity.owner_partner is None
    assert task.status == TaskStatus.COMPLETED
    assert task.completed_by == coordinator
    assert len(follow_up) == 1
    assert follow_up[0].assignee == salesperson
    assert follow_up[0].partner is None


def test_assign_partner_puts_firm_in_charge(latent_opportunity, coordinator, partner_a):
    task = factories.open_task(latent_opportunity, factories.ASSIGN_FORM)

    opportunity = services.assign_owner(task, actor=coordinator, partner=partner_a)

    follow_up = tasks_of(opportunity, factories.FOLLOW_UP_FORM, TaskStatus.OPEN)
    assert opportunity.owner is None
    assert opportunity.owner_partner == partner_a
    assert len(follow_up) == 1
    assert follow_up[0].assignee is None
    assert follow_up[0].partner == partner_a


def test_assign_records_assigned_event(latent_opportunity, coordinator, salesperson):
    factories.assign(latent_opportunity, coordinator, salesperson=salesperson)

    event = latent_opportunity.events.get(kind=EventKind.ASSIGNED)
    assert event.actor == coordinator
    assert event.detail == "Sergio Sanz"


@pytest.mark.parametrize(
    ("owner", "code", "message"),
    [
        (
            {"salesperson": "salesperson", "partner": "partner_a"},
            "owner_ambiguous",
            "Choose either a salesperson or a partner firm, not both.",
        ),
        ({}, "owner_required", "Choose a salesperson or a partner firm."),
        (
            {"salesperson": "registrar"},
            "owner_not_salesperson",
            "Rosa Ramos is not an active salesperson.",
        ),
    ],
)
def test_assign_invalid_owner_raises(
    request, latent_opportunity, coordinator, owner, code, message
):
    task = factories.open_task(latent_opportunity, factories.ASSIGN_FORM)
    chosen = {name: request.getfixturevalue(fixture) for name, fixture in owner.items()}

    with pytest.raises(DomainError) as caught:
        services.assign_owner(task, actor=coordinator, **chosen)

    latent_opportunity.refresh_from_db()
    task.refresh_from_db()
    assert caught.value.code == code
    assert caught.value.field == "owner"
    assert caught.value.message == message
    assert latent_opportunity.owner is None
    assert latent_opportunity.owner_partner is None
    assert task.status == TaskStatus.OPEN


def test_assign_inactive_salesperson_raises(
    latent_opportunity, coordinator, salesperson
):
    salesperson.is_active = False
    salesperson.save()
    task = factories.open_task(latent_opportunity, factories.ASSIGN_FORM)

    with pytest.raises(DomainError) as caught:
        services.assign_owner(task, actor=coordinator, salesperson=salesperson)

    assert caught.value.code == "owner_not_salesperson"
    assert caught.value.message == "Sergio Sanz is not an active salesperson."


def test_assign_inactive_partner_raises(latent_opportunity, coordinator, partner_a):
    partner_a.is_active = False
    partner_a.save()
    task = factories.open_task(latent_opportunity, factories.ASSIGN_FORM)

    with pytest.raises(DomainError) as caught:
        services.assign_owner(task, actor=coordinator, partner=partner_a)

    assert caught.value.code == "partner_inactive"
    assert (
        caught.value.message
        == "The partner firm Distribuciones Alfa S.L. is not active."
    )


@pytest.mark.parametrize(
    "actor", ["registrar", "salesperson", "process_admin", "outsider"]
)
def test_assign_by_non_coordinator_not_allowed(
    request, latent_opportunity, salesperson, actor
):
    task = factories.open_task(latent_opportunity, factories.ASSIGN_FORM)

    with pytest.raises(DomainError) as caught:
        services.assign_owner(
            task, actor=request.getfixturevalue(actor), salesperson=salesperson
        )

    task.refresh_from_db()
    assert caught.value.code == "not_allowed"
    assert caught.value.message == "You are not allowed to do this."
    assert task.status == TaskStatus.OPEN


def test_assign_completed_task_not_allowed(
    owned_opportunity, coordinator, other_salesperson
):
    task = HumanTask.objects.get(
        opportunity=owned_opportunity, form_key=factories.ASSIGN_FORM
    )

    with pytest.raises(DomainError) as caught:
        services.assign_owner(task, actor=coordinator, salesperson=other_salesperson)

    owned_opportunity.refresh_from_db()
    assert caught.value.code == "not_allowed"
    assert owned_opportunity.owner.username == "sergio"


# Follow-up actions


def test_first_action_ends_latent(owned_opportunity, salesperson):
    before = timezone.now()

    factories.log_action(owned_opportunity, salesperson, "call")

    owned_opportunity.refresh_from_db()
    change = owned_opportunity.phase_changes.last()
    assert owned_opportunity.phase == Phase.PRE_OFFER
    assert owned_opportunity.first_action_at >= before
    assert change.from_phase == Phase.LATENT
    assert change.to_phase == Phase.PRE_OFFER
    assert change.changed_by == salesperson


def test_second_action_keeps_first_action_at(pre_offer_opportunity, salesperson):
    first_action_at = pre_offer_opportunity.first_action_at

    factories.log_action(pre_offer_opportunity, salesperson, "visit")

    pre_offer_opportunity.refresh_from_db()
    assert pre_offer_opportunity.first_action_at == first_action_at
    assert pre_offer_opportunity.phase == Phase.PRE_OFFER


def test_add_action_records_event(owned_opportunity, salesperson):
    action = factories.log_action(
        owned_opportunity, salesperson, "call", subject="Primera llamada"
    )

    event = owned_opportunity.events.get(kind=EventKind.ACTION_ADDED)
    assert action.performed_by == salesperson
    assert event.actor == salesperson
    assert event.detail == "Primera llamada"


def test_action_summaries_after_add(owned_opportunity, salesperson):
    now = timezone.now()
    factories.log_action(
        owned_opportunity,
        salesperson,
        "call",
        planned_start=now + timedelta(days=3),
        cost=Decimal("10.00"),
    )
    factories.log_action(
        owned_opportunity,
        salesperson,
        "visit",
        state=ActionState.IN_PROGRESS,
        planned_start=now + timedelta(days=2),
        cost=Decimal("120.50"),
    )
    factories.log_action(
        owned_opportunity,
        salesperson,
        "demo",
        state=ActionState.DONE,
        planned_start=now - timedelta(days=1),
        cost=Decimal("300.00"),
    )

    factories.log_action(
        owned_opportunity,
        salesperson,
        "email",
        state=ActionState.CANCELLED,
        planned_start=now + timedelta(days=1),
        cost=Decimal("999.00"),
    )

    owned_opportunity.refresh_from_db()
    assert owned_opportunity.actions_proposed == 1
    assert owned_opportunity.actions_in_progress == 1
    assert owned_opportunity.actions_done == 1
    assert owned_opportunity.actions_cancelled == 1
    # The cancelled action's cost is left out.
    assert owned_opportunity.total_cost == sum(
        [Decimal("10.00"), Decimal("120.50"), Decimal("300.00")]
    )
    assert owned_opportunity.next_due_at == now + timedelta(days=2)


def test_action_summaries_after_update(owned_opportunity, salesperson):
    now = timezone.now()
    soonest = factories.log_action(
        owned_opportunity,
        salesperson,
        "call",
        planned_start=now + timedelta(days=1),
        cost=Decimal("40.00"),
    )
    factories.log_action(
        owned_opportunity,
        salesperson,
        "visit",
        planned_start=now + timedelta(days=5),
        cost=Decimal("60.00"),
    )

    services.update_action(
        soonest, actor=salesperson, state=ActionState.CANCELLED, cost=Decimal("45.00")
    )

    owned_opportunity.refresh_from_db()
    soonest.refresh_from_db()
    assert soonest.state == ActionState.CANCELLED
    assert soonest.cost == Decimal("45.00")
    assert owned_opportunity.actions_proposed == 1
    assert owned_opportunity.actions_in_progress == 0
    assert owned_opportunity.actions_done == 0
    assert owned_opportunity.actions_cancelled == 1
    assert owned_opportunity.total_cost == Decimal("60.00")
    assert owned_opportunity.next_due_at == now + timedelta(days=5)


def test_action_summaries_without_open_actions(owned_opportunity, salesperson):
    action = factories.log_action(owned_opportunity, salesperson, "call")

    services.update_action(action, actor=salesperson, state=ActionState.DONE)

    owned_opportunity.refresh_from_db()
    action.refresh_from_db()
    assert owned_opportunity.actions_done == 1
    assert owned_opportunity.next_due_at is None
    # Planned for tomorrow but done already: it took place now, not tomorrow.
    assert action.actual_start <= timezone.now()
    assert action.actual_start < action.planned_start


def test_done_action_takes_past_plan_as_actual(owned_opportunity, salesperson):
    planned = timezone.now() - timedelta(days=2)

    action = factories.log_action(
        owned_opportunity,
        salesperson,
        "call",
        planned_start=planned,
        state=ActionState.DONE,
    )

    assert action.actual_start == planned
    assert action.actual_end == planned


def test_done_action_in_future_refused(owned_opportunity, salesperson):
    counts = row_counts()
    tomorrow = timezone.now() + timedelta(days=1)

    with pytest.raises(DomainError) as caught:
        factories.log_action(
            owned_opportunity,
            salesperson,
            "call",
            state=ActionState.DONE,
            actual_start=tomorrow,
        )

    assert caught.value.code == "done_in_future"
    assert caught.value.field == "actual_start"
    assert row_counts() == counts


def test_action_logged_afterwards_needs_no_plan(owned_opportunity, salesperson):
    happened = timezone.now() - timedelta(hours=3)

    action = factories.log_action(
        owned_opportunity,
        salesperson,
        "call",
        planned_start=None,
        actual_start=happened,
        state=ActionState.DONE,
    )

    assert action.planned_start == happened


def test_action_without_any_start_refused(owned_opportunity, salesperson):
    with pytest.raises(DomainError) as caught:
        factories.log_action(owned_opportunity, salesperson, "call", planned_start=None)

    assert caught.value.code == "planned_start_required"
    assert caught.value.field == "planned_start"


def test_offer_sent_milestone_is_when_it_was_sent(owned_opportunity, salesperson):
    factories.log_action(owned_opportunity, salesperson, "call")
    # The first action was logged a week ago.
    Opportunity.objects.filter(pk=owned_opportunity.pk).update(
        first_action_at=timezone.now() - timedelta(days=7)
    )
    sent = timezone.now() - timedelta(days=1)

    factories.log_action(
        owned_opportunity,
        salesperson,
        "send_offer",
        planned_start=sent,
        actual_start=sent,
        state=ActionState.DONE,
    )

    owned_opportunity.refresh_from_db()
    assert owned_opportunity.phase == Phase.OFFER_SENT
    assert owned_opportunity.offer_sent_at == sent


def test_planned_end_before_start_writes_nothing(owned_opportunity, salesperson):
    start = timezone.now() + timedelta(days=1)
    counts = row_counts()

    with pytest.raises(DomainError) as caught:
        factories.log_action(
            owned_opportunity,
            salesperson,
            "call",
            planned_start=start,
            planned_end=start - timedelta(hours=1),
        )

    owned_opportunity.refresh_from_db()
    assert caught.value.code == "planned_end_before_start"
    assert caught.value.field == "planned_end"
    assert caught.value.message == "The planned end must be after the planned start."
    assert row_counts() == counts
    assert owned_opportunity.phase == Phase.LATENT
    assert owned_opportunity.first_action_at is None


def test_actual_end_before_start_raises(owned_opportunity, salesperson):
    start = timezone.now() - timedelta(days=1)

    with pytest.raises(DomainError) as caught:
        factories.log_action(
            owned_opportunity,
            salesperson,
            "call",
            state=ActionState.DONE,
            actual_start=start,
            actual_end=start - timedelta(minutes=5),
        )

    assert caught.value.code == "actual_end_before_start"
    assert caught.value.field == "actual_end"
    assert caught.value.message == "The actual end must be after the actual start."


def test_update_with_bad_dates_keeps_action(pre_offer_opportunity, salesperson):
    action = pre_offer_opportunity.actions.get()
    counts = row_counts()

    with pytest.raises(DomainError):
        services.update_action(
            action,
            actor=salesperson,
            planned_end=action.planned_start - timedelta(days=1),
        )

    stored = FollowUpAction.objects.get(pk=action.pk)
    assert stored.planned_end is None
    assert row_counts() == counts


def test_done_send_offer_moves_to_offer_sent(pre_offer_opportunity, salesperson):
    sent = timezone.now() - timedelta(hours=2)

    factories.log_action(
        pre_offer_opportunity,
        salesperson,
        "send_offer",
        state=ActionState.DONE,
        planned_start=sent,
    )

    pre_offer_opportunity.refresh_from_db()
    assert pre_offer_opportunity.phase == Phase.OFFER_SENT
    # Sent before the first action was logged: milestones keep their order.
    assert pre_offer_opportunity.offer_sent_at == pre_offer_opportunity.first_action_at
    assert pre_offer_opportunity.first_action_at > sent


def test_proposed_send_offer_keeps_phase(pre_offer_opportunity, salesperson):
    factories.log_action(pre_offer_opportunity, salesperson, "send_offer")

    pre_offer_opportunity.refresh_from_db()
    assert pre_offer_opportunity.phase == Phase.PRE_OFFER
    assert pre_offer_opportunity.offer_sent_at is None


def test_in_progress_prepare_offer_moves_to_preparing(
    pre_offer_opportunity, salesperson
):
    factories.log_action(
        pre_offer_opportunity,
        salesperson,
        "prepare_offer",
        state=ActionState.IN_PROGRESS,
    )

    pre_offer_opportunity.refresh_from_db()
    assert pre_offer_opportunity.phase == Phase.PREPARING_OFFER


def test_send_offer_updated_to_done(pre_offer_opportunity, salesperson):
    action = factories.log_action(pre_offer_opportunity, salesperson, "send_offer")

    services.update_action(action, actor=salesperson, state=ActionState.DONE)

    pre_offer_opportunity.refresh_from_db()
    assert pre_offer_opportunity.phase == Phase.OFFER_SENT
    assert pre_offer_opportunity.offer_sent_at is not None


def test_add_action_by_non_owner_not_allowed(owned_opportunity, other_salesperson):
    counts = row_counts()

    with pytest.raises(DomainError) as caught:
        factories.log_action(owned_opportunity, other_salesperson, "call")

    assert caught.value.code == "not_allowed"
    assert row_counts() == counts


def test_partner_staff_log_actions(
    latent_opportunity, coordinator, partner_a, partner_a_user
):
    factories.assign(latent_opportunity, coordinator, partner=partner_a)

    action = factories.log_action(latent_opportunity, partner_a_user, "call")

    latent_opportunity.refresh_from_db()
    assert action.performed_by == partner_a_user
    assert latent_opportunity.phase == Phase.PRE_OFFER


def test_add_action_on_closed_opportunity_raises(offer_sent_opportunity, salesperson):
    services.close_won(offer_sent_opportunity, actor=salesperson, amount=Decimal("500"))

    with pytest.raises(DomainError) as caught:
        factories.log_action(offer_sent_opportunity, salesperson, "call")

    assert caught.value.code == "opportunity_closed"
    assert caught.value.message == (
        "This opportunity is closed (6 Offer accepted), so it can no longer be changed."
    )


# Changing the phase by hand


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([Phase.PREPARING_OFFER], Phase.PREPARING_OFFER),
        ([Phase.OFFER_SENT], Phase.OFFER_SENT),
        ([Phase.PREPARING_OFFER, Phase.PRE_OFFER], Phase.PRE_OFFER),
        ([Phase.OFFER_SENT, Phase.PREPARING_OFFER], Phase.PREPARING_OFFER),
    ],
)
def test_change_phase_allowed(pre_offer_opportunity, salesperson, steps, expected):
    for phase in steps:
        services.change_phase(pre_offer_opportunity, actor=salesperson, phase=phase)

    pre_offer_opportunity.refresh_from_db()
    last_change = pre_offer_opportunity.phase_changes.last()
    assert pre_offer_opportunity.phase == expected
    assert last_change.to_phase == expected
    assert last_change.changed_by == salesperson


def test_change_phase_to_offer_sent_sets_milestone(pre_offer_opportunity, salesperson):
    services.change_phase(
        pre_offer_opportunity, actor=salesperson, phase=Phase.OFFER_SENT
    )
    pre_offer_opportunity.refresh_from_db()
    offer_sent_at = pre_offer_opportunity.offer_sent_at

    services.change_phase(
        pre_offer_opportunity, actor=salesperson, phase=Phase.PREPARING_OFFER
    )

    pre_offer_opportunity.refresh_from_db()
    assert offer_sent_at is not None
    assert pre_offer_opportunity.offer_sent_at == offer_sent_at


def test_change_phase_to_same_phase_writes_nothing(pre_offer_opportunity, salesperson):
    counts = row_counts()

    services.change_phase(
        pre_offer_opportunity, actor=salesperson, phase=Phase.PRE_OFFER
    )

    assert row_counts() == counts


def test_change_phase_back_to_latent_refused(pre_offer_opportunity, salesperson):
    counts = row_counts()

    with pytest.raises(DomainError) as caught:
        services.change_phase(
            pre_offer_opportunity, actor=salesperson, phase=Phase.LATENT
        )

    pre_offer_opportunity.refresh_from_db()
    assert caught.value.code == "phase_change_not_allowed"
    assert caught.value.field == "phase"
    assert caught.value.message == (
        "The phase cannot change from “2 Pre-offer” to “1 Latent”. "
        "Choose one of: 4 Preparing the offer, 5 Offer sent."
    )
    assert pre_offer_opportunity.phase == Phase.PRE_OFFER
    assert row_counts() == counts


def test_change_phase_from_latent_needs_an_action(owned_opportunity, salesperson):
    counts = row_counts()

    with pytest.raises(DomainError) as caught:
        services.change_phase(
            owned_opportunity, actor=salesperson, phase=Phase.PRE_OFFER
        )

    owned_opportunity.refresh_from_db()
    assert caught.value.code == "latent_needs_action"
    assert caught.value.field == "phase"
    assert owned_opportunity.phase == Phase.LATENT
    assert row_counts() == counts


def test_phase_error_read_in_another_language(pre_offer_opportunity, salesperson):
    with translation.override("en"), pytest.raises(DomainError) as caught:
        services.change_phase(
            pre_offer_opportunity, actor=salesperson, phase=Phase.LATENT
        )

    with translation.override("es"):
        spanish = caught.value.message

    assert "“1 Latente”" in spanish
    assert "4 Preparación de Oferta" in spanish
    assert "Preparing" not in spanish


def spanish_catalogue_missing():
    with translation.override("es"):
        return str(Phase.LATENT.label) == "1 Latent"


@pytest.mark.skipif(
    spanish_catalogue_missing(),
    reason="no compiled Spanish catalogue; run `make messages` first",
)
def test_change_phase_refusal_in_spanish(pre_offer_opportunity, salesperson):
    with translation.override("es"):
        with pytest.raises(DomainError) as caught:
            services.change_phase(
                pre_offer_opportunity, actor=salesperson, phase=Phase.LATENT
            )
        message = caught.value.message

    assert message == (
        "La fase no puede pasar de “2 Pre-Oferta” a “1 Latente”. "
        "Elija una de estas: 4 Preparación de Oferta, 5 Oferta Enviada."
    )


@pytest.mark.parametrize("closed", [Phase.OFFER_ACCEPTED, Phase.OFFER_DECLINED])
def test_change_phase_to_closed_phase_refused(
    offer_sent_opportunity, salesperson, closed
):
    with pytest.raises(DomainError) as caught:
        services.change_phase(offer_sent_opportunity, actor=salesperson, phase=closed)

    offer_sent_opportunity.refresh_from_db()
    assert caught.value.code == "phase_change_not_allowed"
    assert caught.value.message == (
        f"The phase cannot change from “5 Offer sent” to “{closed.label}”. "
        "Choose one of: 4 Preparing the offer."
    )
    assert offer_sent_opportunity.phase == Phase.OFFER_SENT
    assert offer_sent_opportunity.closed_at is None


def test_change_phase_skipping_allowed_changes_refused(
    offer_sent_opportunity, salesperson
):
    with pytest.raises(DomainError) as caught:
        services.change_phase(
            offer_sent_opportunity, actor=salesperson, phase=Phase.PRE_OFFER
        )

    assert caught.value.message == (
        "The phase cannot change from “5 Offer sent” to “2 Pre-offer”. "
        "Choose one of: 4 Preparing the offer."
    )


def test_change_phase_by_non_owner_not_allowed(
    pre_offer_opportunity, other_salesperson
):
    with pytest.raises(DomainError) as caught:
        services.change_phase(
            pre_offer_opportunity, actor=other_salesperson, phase=Phase.PREPARING_OFFER
        )

    assert caught.value.code == "not_allowed"


# Closing as won


@pytest.fixture
def offer_with_products(registrar, coordinator, salesperson, licence, training):
    return factories.reach_offer_sent(
        registrar,
        coordinator,
        salesperson,
        products=[(licence, Decimal("2")), (training, Decimal("3"))],
    )


def test_close_won_prices_order_from_catalogue(
    offer_with_products, salesperson, licence, training
):
    order = services.close_won(offer_with_products, actor=salesperson)

    lines = [
        (line.product, line.quantity, line.unit_price) for line in order.lines.all()
    ]
    assert order.amount == 2 * licence.unit_price + 3 * training.unit_price
    assert order.currency == "EUR"
    assert order.created_by == salesperson
    assert lines == [
        (licence, Decimal("2"), licence.unit_price),
        (training, Decimal("3"), training.unit_price),
    ]


def test_close_won_explicit_amount(offer_with_products, salesperson):
    order = services.close_won(
        offer_with_products,
        actor=salesperson,
        amount=Decimal("3000.00"),
        currency="USD",
    )

    assert order.amount == Decimal("3000.00")
    assert order.currency == "USD"
    assert order.lines.count() == 2


def test_close_won_closes_opportunity(offer_with_products, salesperson):
    before = timezone.now()

    order = services.close_won(offer_with_products, actor=salesperson)

    opportunity = Opportunity.objects.get(pk=offer_with_products.pk)
    event = opportunity.events.get(kind=EventKind.WON)
    assert opportunity.phase == Phase.OFFER_ACCEPTED
    assert opportunity.closed_at >= before
    assert opportunity.account.kind == AccountKind.CLIENT
    assert event.actor == salesperson
    assert event.detail == order.reference


def test_close_won_completes_process_and_follow_up(offer_with_products, salesperson):
    services.close_won(offer_with_products, actor=salesperson)

    opportunity = Opportunity.objects.get(pk=offer_with_products.pk)
    follow_up = tasks_of(opportunity, factories.FOLLOW_UP_FORM, TaskStatus.COMPLETED)
    assert opportunity.process.status == InstanceStatus.COMPLETED
    assert opportunity.process.completed_at is not None
    assert len(follow_up) == 1
    assert follow_up[0].completed_by == salesperson
    assert not HumanTask.objects.filter(
        opportunity=opportunity, status=TaskStatus.OPEN
    ).exists()


def test_close_won_without_prices_needs_amount(offer_sent_opportunity, salesperson):
    counts = row_counts()

    with pytest.raises(DomainError) as caught:
        services.close_won(offer_sent_opportunity, actor=salesperson)

    offer_sent_opportunity.refresh_from_db()
    assert caught.value.code == "amount_required"
    assert caught.value.field == "amount"
    assert caught.value.message == (
        "Enter the order amount: the requested products have no prices to add up."
    )
    assert offer_sent_opportunity.phase == Phase.OFFER_SENT
    assert row_counts() == counts


def test_close_won_from_pre_offer_refused(pre_offer_opportunity, salesperson):
    counts = row_counts()

    with pytest.raises(DomainError) as caught:
        services.close_won(
            pre_offer_opportunity, actor=salesperson, amount=Decimal("100")
        )

    pre_offer_opportunity.refresh_from_db()
    assert caught.value.code == "offer_not_sent"
    assert caught.value.message == (
        "Only an opportunity in “5 Offer sent” can be closed as won, and this "
        "one is in “2 Pre-offer”. Log the offer as sent first."
    )
    assert pre_offer_opportunity.phase == Phase.PRE_OFFER
    assert pre_offer_opportunity.account.kind == AccountKind.PROSPECT
    assert row_counts() == counts


def test_close_won_by_partner_staff(registrar, coordinator, partner_a, partner_a_user):
    opportunity = factories.register(registrar)
    factories.assign(opportunity, coordinator, partner=partner_a)
    factories.send_offer(opportunity, partner_a_user)

    order = services.close_won(opportunity, actor=partner_a_user, amount=Decimal("800"))

    opportunity.refresh_from_db()
    assert order.created_by == partner_a_user
    assert opportunity.phase == Phase.OFFER_ACCEPTED


# Closing as lost


def test_close_lost_requires_reason(pre_offer_opportunity, salesperson):
    with pytest.raises(DomainError) as caught:
        services.close_lost(pre_offer_opportunity, actor=salesperson, lost_reason=None)

    pre_offer_opportunity.refresh_from_db()
    assert caught.value.code == "lost_reason_required"
    assert caught.value.field == "lost_reason"
    assert caught.value.message == "Choose why the opportunity was lost."
    assert pre_offer_opportunity.phase == Phase.PRE_OFFER


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("owned_opportunity", Phase.DROPPED_PRE_OFFER),
        ("pre_offer_opportunity", Phase.DROPPED_PRE_OFFER),
        ("offer_sent_opportunity", Phase.OFFER_DECLINED),
    ],
)
def test_close_lost_picks_closing_phase(request, salesperson, fixture, expected):
    opportunity = request.getfixturevalue(fixture)
    reason = factories.lost_reason("competitor")
    before = timezone.now()

    services.close_lost(
        opportunity, actor=salesperson, lost_reason=reason, notes="Eligió Globex."
    )

    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    assert opportunity.phase == expected
    assert opportunity.lost_reason == reason
    assert opportunity.lost_notes == "Eligió Globex."
    assert opportunity.closed_at >= before
    assert opportunity.account.kind == AccountKind.PROSPECT
    assert not Order.objects.filter(opportunity=opportunity).exists()


def test_close_lost_completes_process(pre_offer_opportunity, salesperson):
    services.close_lost(
        pre_offer_opportunity, actor=salesperson, lost_reason=factories.lost_reason()
    )

    opportunity = Opportunity.objects.get(pk=pre_offer_opportunity.pk)
    event = opportunity.events.get(kind=EventKind.LOST)
    assert opportunity.process.status == InstanceStatus.COMPLETED
    assert not HumanTask.objects.filter(
        opportunity=opportunity, status=TaskStatus.OPEN
    ).exists()
    assert event.detail == "Price"


def test_close_lost_twice_raises_opportunity_closed(pre_offer_opportunity, salesperson):
    services.close_lost(
        pre_offer_opportunity, actor=salesperson, lost_reason=factories.lost_reason()
    )

    with pytest.raises(DomainError) as caught:
        services.close_lost(
            pre_offer_opportunity,
            actor=salesperson,
            lost_reason=factories.lost_reason(),
        )

    assert caught.value.code == "opportunity_closed"
    assert caught.value.message == (
        "This opportunity is closed (3 Dropped before an offer), so it can no longer "
        "be changed."
    )


# Publishing to the observatory


def test_publish_snapshots_actions_each_press(owned_opportunity, salesperson):
    follow_up = factories.open_task(owned_opportunity, factories.FOLLOW_UP_FORM)
    call = factories.log_action(
        owned_opportunity, salesperson, "call", cost=Decimal("10")
    )
    services.publish_to_observatory(owned_opportunity, actor=salesperson)
    factories.log_action(
        owned_opportunity,
        salesperson,
        "demo",
        state=ActionState.IN_PROGRESS,
        cost=Decimal("25"),
    )
    services.publish_to_observatory(owned_opportunity, actor=salesperson)
    services.update_action(call, actor=salesperson, state=ActionState.DONE)

    services.publish_to_observatory(owned_opportunity, actor=salesperson)

    snapshots = [
        (
            publication.actions_proposed,
            publication.actions_in_progress,
            publication.actions_done,
            publication.total_cost,
            [action["state"] for action in publication.actions],
        )
        for publication in Publication.objects.filter(
            opportunity=owned_opportunity
        ).order_by("pk")
    ]
    assert snapshots == [
        (1, 0, 0, Decimal("10"), ["proposed"]),
        (1, 1, 0, Decimal("35"), ["proposed", "in_progress"]),
        (0, 1, 1, Decimal("35"), ["done", "in_progress"]),
    ]
    assert (
        factories.open_task(owned_opportunity, factories.FOLLOW_UP_FORM).pk
        == follow_up.pk
    )
    assert owned_opportunity.events.filter(kind=EventKind.PUBLISHED).count() == 3


def test_publish_records_publisher(owned_opportunity, salesperson):
    services.publish_to_observatory(owned_opportunity, actor=salesperson)

    publication = Publication.objects.get(opportunity=owned_opportunity)
    assert publication.published_by == salesperson
    assert publication.actions == []


def test_publish_closed_opportunity_refused(offer_sent_opportunity, salesperson):
    services.close_won(offer_sent_opportunity, actor=salesperson, amount=Decimal("500"))

    with pytest.raises(DomainError) as caught:
        services.publish_to_observatory(offer_sent_opportunity, actor=salesperson)

    assert caught.value.code == "opportunity_closed"
    assert caught.value.message == (
        "This opportunity is closed (6 Offer accepted), so it can no longer be changed."
    )
    assert not Publication.objects.exists()


def test_publish_by_non_owner_not_allowed(owned_opportunity, other_salesperson):
    with pytest.raises(DomainError) as caught:
        services.publish_to_observatory(owned_opportunity, actor=other_salesperson)

    assert caught.value.code == "not_allowed"
    assert not Publication.objects.exists()


# Transaction safety: an engine failure undoes the domain change


@pytest.fixture
def failing_engine(monkeypatch):
    def fail(workflow):
        raise RuntimeError("engine step failed")

    monkeypatch.setattr(workflows, "run_engine_steps", fail)


def test_engine_failure_during_close_won_writes_nothing(
    offer_with_products, salesperson, failing_engine
):
    counts = row_counts()
    revision = offer_with_products.process.revision

    with pytest.raises(RuntimeError):
        services.close_won(offer_with_products, actor=salesperson)

    opportunity = Opportunity.objects.get(pk=offer_with_products.pk)
    assert row_counts() == counts
    assert not Order.objects.exists()
    assert opportunity.phase == Phase.OFFER_SENT
    assert opportunity.closed_at is None
    assert opportunity.account.kind == AccountKind.PROSPECT
    assert opportunity.process.revision == revision
    assert opportunity.process.status == InstanceStatus.RUNNING
    assert len(tasks_of(opportunity, factories.FOLLOW_UP_FORM, TaskStatus.OPEN)) == 1


def test_engine_failure_during_close_lost_writes_nothing(
    pre_offer_opportunity, salesperson, failing_engine
):
    counts = row_counts()

    with pytest.raises(RuntimeError):
        services.close_lost(
            pre_offer_opportunity,
            actor=salesperson,
            lost_reason=factories.lost_reason(),
        )

    opportunity = Opportunity.objects.get(pk=pre_offer_opportunity.pk)
    assert row_counts() == counts
    assert opportunity.phase == Phase.PRE_OFFER
    assert opportunity.lost_reason is None


def test_engine_failure_during_assign_writes_nothing(
    latent_opportunity, coordinator, salesperson, failing_engine
):
    counts = row_counts()

    with pytest.raises(RuntimeError):
        factories.assign(latent_opportunity, coordinator, salesperson=salesperson)

    opportunity = Opportunity.objects.get(pk=latent_opportunity.pk)
    assert row_counts() == counts
    assert opportunity.owner is None
    assert len(tasks_of(opportunity, factories.ASSIGN_FORM, TaskStatus.OPEN)) == 1


def test_engine_failure_during_registration_writes_nothing(registrar, failing_engine):
    with pytest.raises(RuntimeError):
        factories.register(registrar, account_name="Consultoría Pérez S.L.")

    assert not Opportunity.objects.exists()
    assert not Account.objects.exists()


# Found by review


def test_action_on_leap_day(owned_opportunity, salesperson, monkeypatch):
    leap_day = datetime(2028, 2, 29, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: leap_day)

    action = factories.log_action(
        owned_opportunity, salesperson, planned_start=leap_day + timedelta(days=1)
    )

    assert action.pk is not None


def test_close_won_refuses_adding_other_currencies(
    registrar, coordinator, salesperson, english
):
    dollars = factories.make_product(
        "usd-licence", unit_price=Decimal("100.00"), currency="USD"
    )
    opportunity = factories.reach_offer_sent(
        registrar, coordinator, salesperson, products=[(dollars, Decimal("1"))]
    )

    with pytest.raises(DomainError) as caught:
        services.close_won(opportunity, actor=salesperson)

    opportunity.refresh_from_db()
    assert caught.value.code == "amount_in_other_currencies"
    assert caught.value.message == (
        "Some requested products are priced in USD, so their prices cannot be "
        "added up in EUR. Enter the order amount in EUR."
    )
    assert opportunity.phase == Phase.OFFER_SENT
    assert not Order.objects.filter(opportunity=opportunity).exists()


def test_close_won_with_amount_keeps_line_currencies(
    registrar, coordinator, salesperson
):
    dollars = factories.make_product(
        "usd-licence", unit_price=Decimal("100.00"), currency="USD"
    )
    opportunity = factories.reach_offer_sent(
        registrar, coordinator, salesperson, products=[(dollars, Decimal("2"))]
    )

    order = services.close_won(opportunity, actor=salesperson, amount=Decimal("180.00"))

    line = order.lines.get()
    assert order.currency == "EUR"
    assert order.amount == Decimal("180.00")
    assert line.currency == "USD"
    assert line.unit_price == Decimal("100.00")


def test_first_action_dated_when_it_happened(owned_opportunity, salesperson):
    sent = timezone.now() - timedelta(minutes=30)
    registered = owned_opportunity.registered_at

    factories.log_action(
        owned_opportunity,
        salesperson,
        "send_offer",
        planned_start=sent,
        actual_start=sent,
        state=ActionState.DONE,
    )

    owned_opportunity.refresh_from_db()
    assert owned_opportunity.first_action_at == max(sent, registered)
    assert owned_opportunity.offer_sent_at == owned_opportunity.first_action_at


def test_failed_registration_leaves_no_files(
    registrar, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path

    def fail(workflow):
        raise RuntimeError("engine step failed")

    monkeypatch.setattr(workflows, "run_engine_steps", fail)

    with pytest.raises(RuntimeError):
        factories.register(
            registrar, documents=[SimpleUploadedFile("pliego.pdf", b"%PDF-1.4")]
        )

    assert not Opportunity.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


# Reassigning


def test_reassign_moves_follow_up_task(
    owned_opportunity, coordinator, other_salesperson
):
    services.reassign_owner(
        owned_opportunity, actor=coordinator, salesperson=other_salesperson
    )

    owned_opportunity.refresh_from_db()
    task = factories.open_task(owned_opportunity, factories.FOLLOW_UP_FORM)
    assert owned_opportunity.owner == other_salesperson
    assert task.assignee == other_salesperson
    assert owned_opportunity.events.filter(kind=EventKind.REASSIGNED).count() == 1


def test_reassign_to_partner_firm(
    owned_opportunity, coordinator, partner_a, partner_a_user
):
    services.reassign_owner(owned_opportunity, actor=coordinator, partner=partner_a)

    owned_opportunity.refresh_from_db()
    task = factories.open_task(owned_opportunity, factories.FOLLOW_UP_FORM)
    assert owned_opportunity.owner is None
    assert owned_opportunity.owner_partner == partner_a
    assert task.assignee is None
    assert task.partner == partner_a


@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("latent_opportunity", "not_assigned_yet"),
        ("closed_opportunity", "opportunity_closed"),
    ],
)
def test_reassign_refused(request, coordinator, other_salesperson, fixture, code):
    opportunity = request.getfixturevalue(fixture)

    with pytest.raises(DomainError) as caught:
        services.reassign_owner(
            opportunity, actor=coordinator, salesperson=other_salesperson
        )

    assert caught.value.code == code


def test_reassign_needs_coordinator(owned_opportunity, salesperson, other_salesperson):
    with pytest.raises(DomainError) as caught:
        services.reassign_owner(
            owned_opportunity, actor=salesperson, salesperson=other_salesperson
        )

    owned_opportunity.refresh_from_db()
    assert caught.value.code == "not_allowed"
    assert owned_opportunity.owner == salesperson


@pytest.fixture
def closed_opportunity(offer_sent_opportunity, salesperson):
    services.close_won(offer_sent_opportunity, actor=salesperson, amount=Decimal("10"))
    return offer_sent_opportunity
