"""The whole flow in a real browser, as three users."""

from decimal import Decimal

import pytest
from browser_helpers import log_in, make_person

import factories
from oportuna.opportunities.models import Opportunity, Order
from oportuna.opportunities.phases import Phase
from oportuna.processes.models import InstanceStatus
from oportuna.users.roles import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def add_action(page, *, type_label, subject, state_label, start, cost):
    page.click("#add-action")
    page.wait_for_selector("#action-form")
    page.select_option("#id_action_type", label=type_label)
    page.fill("#id_subject", subject)
    page.select_option("#id_state", label=state_label)
    page.fill("#id_planned_start", start)
    page.fill("#id_cost", cost)
    page.click("#action-form button[type=submit]")
    page.wait_for_selector(f"#action-table td:text-is('{subject}')")


def test_register_assign_follow_up_and_win(new_page, screenshots):
    registrar = make_person("rosa", Role.REGISTRAR, first_name="Rosa", language="es")
    make_person("carmen", Role.COORDINATOR, first_name="Carmen", language="es")
    owner = make_person("sergio", Role.SALESPERSON, first_name="Sergio", language="en")
    existing = factories.make_account("Consultoría Pérez S.L.", tax_id="B11111111")
    factories.make_product(
        "crm-licence", name="Licencia CRM", unit_price=Decimal("480.00")
    )

    # The registrar registers; the existing account is offered while typing.
    page = new_page("es")
    page.goto("/login/")
    page.screenshot(path=screenshots / "00-login.png", full_page=True)
    log_in(page, "rosa")
    page.screenshot(path=screenshots / "01-inbox-registrar.png", full_page=True)
    page.click("text=Registrar oportunidad")
    page.fill("#id_name", "CRM para el equipo comercial")
    page.select_option("#id_source", label="Llamada Telefónica del Sujeto")
    page.select_option("#id_importance", label="Importante")
    page.select_option("#id_size", label="Mediana")
    page.select_option("#id_purchase_window", label="Antes de 6 Meses")
    page.select_option("#id_probability", label="Buena (>75%)")
    page.check("text=Gerencia")
    page.fill("#id_budget", "15000")
    page.select_option("#id_products-0-product", label="Licencia CRM")
    page.fill("#id_products-0-quantity", "10")
    page.type("#id_account_name", "consultoria perez sl", delay=20)
    page.wait_for_selector(".account-suggestion")
    page.screenshot(path=screenshots / "02-register-suggestion.png", full_page=True)
    page.click(".account-suggestion")
    page.fill("#id_contact_names", "María López")
    page.click("text=Registrar e iniciar el proceso")
    page.wait_for_selector("#record")
    page.screenshot(path=screenshots / "03-opportunity-registered.png", full_page=True)

    opportunity = Opportunity.objects.get(name="CRM para el equipo comercial")
    assert opportunity.account == existing
    assert opportunity.registered_by == registrar
    assert opportunity.phase == Phase.LATENT

    # The coordinator assigns the salesperson from the inbox.
    page = coordinator_page = new_page("es")
    log_in(page, "carmen")
    page.screenshot(path=screenshots / "04-inbox-coordinator.png", full_page=True)
    page.click("#inbox a:text('Asignar Responsable de OV')")
    page.wait_for_selector("#assign-form")
    page.screenshot(path=screenshots / "05-assign-owner.png", full_page=True)
    page.check(f"#owner-user-{owner.pk}")
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector(".alert-success")

    opportunity.refresh_from_db()
    assert opportunity.owner == owner

    # The owner, who works in English, logs two actions and sends the offer.
    page = new_page("en")
    log_in(page, "sergio")
    page.screenshot(path=screenshots / "06-inbox-owner.png", full_page=True)
    page.click("#inbox a:text('Acciones de Seguimiento de OV')")
    page.wait_for_selector("#actions")
    add_action(
        page,
        type_label="Phone call",
        subject="First call",
        state_label="done",
        start="2026-12-01T10:00",
        cost="20.00",
    )
    add_action(
        page,
        type_label="Sending the offer",
        subject="Offer by email",
        state_label="done",
        start="2026-12-03T09:30",
        cost="35.50",
    )
    page.screenshot(path=screenshots / "07-follow-up.png", full_page=True)
    assert page.inner_text("#record .phase-badge") == "5 Offer sent"
    assert page.inner_text("[data-count=done]") == "2"
    assert page.inner_text("[data-total-cost]") == "55.50 EUR"
    page.click("#publish")
    page.wait_for_selector(".alert-success")

    # The coordinator's observatory shows the owner's published actions.
    coordinator_page.goto("/observatory/team/")
    coordinator_page.screenshot(
        path=screenshots / "12-team-observatory.png", full_page=True
    )
    row = coordinator_page.locator(f"tr:has(a:text('{opportunity.reference}'))")
    assert row.locator("td").nth(5).inner_text() == "2"
    assert "sin publicar" not in row.inner_text()
    coordinator_page.goto("/opportunities/")
    coordinator_page.screenshot(
        path=screenshots / "13-opportunity-list.png", full_page=True
    )
    page.click("#close-won")
    page.wait_for_selector("#order")
    page.screenshot(path=screenshots / "08-won.png", full_page=True)

    # The order and the four milestones follow from what happened.
    opportunity.refresh_from_db()
    order = Order.objects.get(opportunity=opportunity)
    assert opportunity.phase == Phase.OFFER_ACCEPTED
    assert order.amount == Decimal("4800.00")
    assert order.lines.count() == 1
    assert opportunity.registered_at is not None
    assert opportunity.first_action_at >= opportunity.registered_at
    assert opportunity.offer_sent_at >= opportunity.first_action_at
    assert opportunity.closed_at >= opportunity.offer_sent_at
    assert opportunity.process.status == InstanceStatus.COMPLETED
    assert opportunity.publications.count() == 1
    existing.refresh_from_db()
    assert existing.kind == "client"

    # The observatories show the actions and their cost.
    page.goto("/observatory/mine/")
    page.screenshot(path=screenshots / "09-my-observatory.png", full_page=True)
    assert page.inner_text("[data-total=count]") == "2"
    assert page.inner_text("[data-total=cost]") == "55.50 EUR"
