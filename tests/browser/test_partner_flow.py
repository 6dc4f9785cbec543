"""A partner firm's staff follow up and lose an opportunity, in Spanish."""

import pytest
from browser_helpers import log_in, make_person

import factories
from oportuna.opportunities.models import ActionState
from oportuna.opportunities.phases import Phase
from oportuna.processes.models import InstanceStatus
from oportuna.users.roles import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_partner_edits_action_in_place_and_closes_lost(new_page, screenshots):
    registrar = make_person("rosa", Role.REGISTRAR)
    coordinator = make_person("carmen", Role.COORDINATOR)
    alfa = factories.make_partner_firm("Distribuciones Alfa S.L.")
    beta = factories.make_partner_firm("Distribuciones Beta S.A.")
    make_person(
        "pablo", Role.PARTNER, partner_firm=alfa, first_name="Pablo", language="es"
    )
    make_person("bea", Role.PARTNER, partner_firm=beta, first_name="Bea", language="es")
    opportunity = factories.register(registrar, name="Renovación de licencias")
    factories.assign(opportunity, coordinator, partner=alfa)

    # The other firm's staff see neither the task nor the opportunity.
    page = new_page("es")
    log_in(page, "bea")
    assert "Renovación de licencias" not in page.inner_text("main")
    response = page.goto(f"/opportunities/{opportunity.pk}/")
    assert response.status == 404

    # The firm in charge works the follow-up task, in Spanish.
    page = new_page("es")
    log_in(page, "pablo")
    page.click("#inbox a:text('Acciones de Seguimiento de OV')")
    page.wait_for_selector("#actions")
    page.click("#add-action")
    page.wait_for_selector("#action-form")
    page.select_option("#id_action_type", label="Visita")
    page.fill("#id_subject", "Visita al cliente")
    page.fill("#id_planned_start", "2026-12-10T11:00")
    page.fill("#id_cost", "40")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("#action-table td:text-is('Visita al cliente')")
    assert page.inner_text("[data-count=proposed]") == "1"
    assert page.inner_text("#record .phase-badge") == "2 Pre-Oferta"

    # Editing in place: the visit took place.
    page.click("#action-table button:text('Editar')")
    page.wait_for_selector("#action-form")
    page.select_option("#id_state", label="realizada")
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("#action-table td:text-is('Realizada')")
    assert page.inner_text("[data-count=proposed]") == "0"
    assert page.inner_text("[data-count=done]") == "1"
    page.screenshot(path=screenshots / "10-partner-follow-up-es.png", full_page=True)

    # The offer went by post, so the phase is set by hand.
    page.select_option("#phase-form select", label="5 Oferta Enviada")
    page.click("#phase-form button")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#record .phase-badge") == "5 Oferta Enviada"

    page.select_option("#id_lost_reason", label="Precio")
    page.fill("#lost-form textarea", "La competencia ofreció un 20 % menos.")
    page.click("#close-lost")
    page.wait_for_selector("#record")
    page.screenshot(path=screenshots / "11-partner-lost-es.png", full_page=True)

    opportunity.refresh_from_db()
    action = opportunity.actions.get()
    assert action.state == ActionState.DONE
    assert action.actual_start is not None
    assert opportunity.phase == Phase.OFFER_DECLINED
    assert opportunity.lost_reason.code == "price"
    assert opportunity.closed_at is not None
    assert opportunity.process.status == InstanceStatus.COMPLETED
    assert "7 Oferta Desestimada" in page.inner_text("#record")
