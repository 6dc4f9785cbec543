"""Fixtures every test folder may use: personas and opportunities in known states.

Personas are named by role, as in the permission tests of the product:
`registrar`, `coordinator`, `salesperson`, `other_salesperson`, the staff
of two partner firms (`partner_a_user`, `partner_b_user`), `process_admin`,
an `outsider` with no role and `anonymous`.
"""

import ipaddress
import socket

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

import factories
from oportuna.users.roles import Role

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _check_loopback(address):
    # AF_UNIX addresses are paths, and AF_INET and AF_INET6 ones start with a host.
    if not isinstance(address, tuple):
        return
    host = address[0]
    if host == "localhost":
        return
    try:
        is_loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        raise OSError(f"tests may connect to loopback addresses only, not {host!r}")


def _guarded_connect(sock, address):
    _check_loopback(address)
    return _connect(sock, address)


def _guarded_connect_ex(sock, address):
    _check_loopback(address)
    return _connect_ex(sock, address)


@pytest.fixture(autouse=True, scope="session")
def block_outside_network():
    """Make any connection to a non-loopback address fail during the tests."""
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    yield
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex


@pytest.fixture
def english():
    """Activate English, so tests can compare messages whatever LANGUAGE_CODE is."""
    with translation.override("en"):
        yield


# Personas


@pytest.fixture
def registrar(db):
    return factories.make_user(
        "rosa", Role.REGISTRAR, first_name="Rosa", last_name="Ramos"
    )


@pytest.fixture
def coordinator(db):
    return factories.make_user(
        "carmen", Role.COORDINATOR, first_name="Carmen", last_name="Cano"
    )


@pytest.fixture
def salesperson(db):
    return factories.make_user(
        "sergio", Role.SALESPERSON, first_name="Sergio", last_name="Sanz"
    )


@pytest.fixture
def other_salesperson(db):
    return factories.make_user(
        "olga", Role.SALESPERSON, first_name="Olga", last_name="Ortiz"
    )


@pytest.fixture
def partner_a(db):
    return factories.make_partner_firm("Distribuciones Alfa S.L.")


@pytest.fixture
def partner_b(db):
    return factories.make_partner_firm("Distribuciones Beta S.A.")


@pytest.fixture
def partner_a_user(partner_a):
    return factories.make_user(
        "pablo",
        Role.PARTNER,
        partner_firm=partner_a,
        first_name="Pablo",
        last_name="Prieto",
    )


@pytest.fixture
def partner_b_user(partner_b):
    return factories.make_user(
        "bea",
        Role.PARTNER,
        partner_firm=partner_b,
        first_name="Bea",
        last_name="Blanco",
    )


@pytest.fixture
def process_admin(db):
    return factories.make_user(
        "adela", Role.PROCESS_ADMIN, first_name="Adela", last_name="Alonso"
    )


@pytest.fixture
def outsider(db):
    return factories.make_user("oscar", first_name="Óscar", last_name="Olmo")


@pytest.fixture
def anonymous():
    return AnonymousUser()


# Opportunities in known states, reached through the services


@pytest.fixture
def latent_opportunity(registrar):
    """Registered, Latent, waiting in the coordinator's inbox."""
    return factories.register(registrar, name="Renovación de licencias")


@pytest.fixture
def owned_opportunity(latent_opportunity, coordinator, salesperson):
    """Assigned to `salesperson`, still Latent, follow-up task open."""
    return factories.assign(latent_opportunity, coordinator, salesperson=salesperson)


@pytest.fixture
def pre_offer_opportunity(owned_opportunity, salesperson):
    """Owned by `salesperson`, one call logged, phase Pre-offer."""
    factories.log_action(owned_opportunity, salesperson, "call")
    owned_opportunity.refresh_from_db()
    return owned_opportunity


@pytest.fixture
def offer_sent_opportunity(registrar, coordinator, salesperson):
    """Owned by `salesperson`, a call done and the offer sent."""
    return factories.reach_offer_sent(registrar, coordinator, salesperson)
