"""Account-name matching: the key two spellings of one account share."""

import pytest

import factories
from oportuna.accounts.matching import normalize_account_name
from oportuna.accounts.selectors import suggest_accounts


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # Accents, case and spacing
        ("Consultoría Pérez", "consultoriaperez"),
        ("CONSULTORIA PEREZ", "consultoriaperez"),
        ("  consultoría   pérez  ", "consultoriaperez"),
        ("Ñandú Diseño", "nandudiseno"),
        ("Müller Kältetechnik", "mullerkaltetechnik"),
        # Spanish legal forms, with and without dots and spaces
        ("Consultoría Pérez S.L.", "consultoriaperez"),
        ("consultoria perez sl", "consultoriaperez"),
        ("Consultoría Pérez, S.L.", "consultoriaperez"),
        ("Talleres Iglesias S. L. U.", "talleresiglesias"),
        ("Talleres Iglesias SLU", "talleresiglesias"),
        ("Grupo Norte S.A.", "gruponorte"),
        ("Grupo Norte, S. A.", "gruponorte"),
        ("Consultoría Pérez Sociedad Limitada", "consultoriaperez"),
        # Legal forms of other countries
        ("Acme Inc.", "acme"),
        ("Acme, Inc", "acme"),
        ("Müller GmbH", "muller"),
        ("Siemens AG", "siemens"),
        ("Globex Ltd.", "globex"),
        # Punctuation inside the name
        ("O'Brien & Hijos", "obrienhijos"),
        ("Pérez-Gil (Madrid)", "perezgilmadrid"),
        ("Talleres Nº 3", "talleresno3"),
        # A legal form elsewhere than at the end stays
        ("SL Consulting Group", "slconsultinggroup"),
        # Only one trailing legal form goes
        ("Acme Inc. Ltd.", "acmeinc"),
        # A name that is only a legal form keeps it
        ("S.L.", "sl"),
        ("S. A.", "sa"),
        ("Inc.", "inc"),
        ("GmbH", "gmbh"),
        # Nothing to match on
        ("", ""),
        ("  ,.  ", ""),
    ],
)
def test_normalize_account_name(name, key):
    assert normalize_account_name(name) == key


def test_normalize_account_name_equates_spec_example():
    assert normalize_account_name("Consultoría Pérez S.L.") == normalize_account_name(
        "consultoria perez sl"
    )


def test_account_save_stores_match_key(db):
    account = factories.make_account("Consultoría Pérez S.L.")

    account.name = "Asesoría Gómez S.A."
    account.save(update_fields=["name"])

    account.refresh_from_db()
    assert account.match_key == "asesoriagomez"


@pytest.fixture
def accounts(db):
    names = [
        "Consultoría Pérez S.L.",
        "Consultoría Pérez y Asociados",
        "Asesores Consultoría Global",
        "Talleres Iglesias",
    ]
    return {name: factories.make_account(name) for name in names}


def names(found):
    return [account.name for account in found]


def test_suggest_accounts_lists_prefix_matches_first(accounts):
    found = suggest_accounts("consultoria")

    assert names(found) == [
        "Consultoría Pérez S.L.",
        "Consultoría Pérez y Asociados",
        "Asesores Consultoría Global",
    ]


def test_suggest_accounts_ignores_accents_case_legal_form(accounts):
    found = suggest_accounts("CONSULTORIA PEREZ, S.L.")

    assert names(found) == ["Consultoría Pérez S.L.", "Consultoría Pérez y Asociados"]


def test_suggest_accounts_finds_inner_words(accounts):
    found = suggest_accounts("iglesias")

    assert names(found) == ["Talleres Iglesias"]


def test_suggest_accounts_respects_limit(accounts):
    found = suggest_accounts("consultoria", limit=2)

    assert names(found) == ["Consultoría Pérez S.L.", "Consultoría Pérez y Asociados"]


def test_suggest_accounts_limit_counts_inner_matches(accounts):
    factories.make_account("Consultoría Zeta")

    found = suggest_accounts("consultoria", limit=4)

    assert names(found) == [
        "Consultoría Pérez S.L.",
        "Consultoría Pérez y Asociados",
        "Consultoría Zeta",
        "Asesores Consultoría Global",
    ]


@pytest.mark.parametrize("query", ["", "c", "  é  ", ".,"])
def test_suggest_accounts_ignores_short_queries(accounts, query):
    assert suggest_accounts(query) == []


def test_suggest_accounts_without_match(accounts):
    assert suggest_accounts("bodegas") == []
