import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from oportuna.accounts.models import Account, AccountKind
from oportuna.catalog.models import Product
from oportuna.imports import pipeline
from oportuna.imports.pipeline import import_pipeline
from oportuna.opportunities.models import (
    EventKind,
    Opportunity,
    OpportunityEvent,
    Order,
    OrderLine,
    OrderStatus,
    PhaseChange,
    RequestedProduct,
)
from oportuna.opportunities.phases import Phase
from oportuna.processes.models import (
    HumanTask,
    InstanceStatus,
    ProcessInstance,
    TaskStatus,
)
from oportuna.users.models import User
from oportuna.users.roles import Role

FIXTURE = Path(__file__).parent / "fixtures" / "maven_small"

# Open rows of the fixture that name an agent, with that agent's username.
OPEN_ROWS = {
    "T004ENGA": "bram-okafor",
    "T005PROS": "celia-ndiaye",
    "T006NOAC": "celia-ndiaye",
    "T007NOAC": "ada-quintero",
    "T008NOMG": "dario-mendes",
    "T009NOTM": "esme-faulkner",
    "T011STAG": "bram-okafor",
    "T018OPNV": "bram-okafor",
}
CLOSED_ROWS = [
    "T001WON1",
    "T002WON2",
    "T003LOST",
    "T010NOTM",
    "T012DUPL",
    "T013UNKP",
    "T014NOVL",
    "T016ELMS",
    "T017BADT",
    "T019LOST",
    "T020WON3",
    "T021BVAL",
    "T022NOCD",
    "T023BACK",
]
IMPORTED_MODELS = [
    Opportunity,
    Account,
    Product,
    User,
    Order,
    OrderLine,
    RequestedProduct,
    ProcessInstance,
    HumanTask,
    PhaseChange,
    OpportunityEvent,
]


@pytest.fixture
def report():
    return import_pipeline(FIXTURE)


@pytest.fixture
def fixture_copy(tmp_path):
    directory = tmp_path / "maven"
    shutil.copytree(FIXTURE, directory)
    return directory


def opportunity(opportunity_id):
    return Opportunity.objects.get(external_ref=f"maven:{opportunity_id}")


def midnight(day):
    return timezone.make_aware(
        datetime.datetime.fromisoformat(day), timezone.get_default_timezone()
    )


def open_tasks(opportunity_id, form_key):
    return list(
        HumanTask.objects.filter(
            opportunity=opportunity(opportunity_id),
            form_key=form_key,
            status=TaskStatus.OPEN,
        ).select_related("assignee")
    )


def assigned_by(opportunity_id):
    event = OpportunityEvent.objects.get(
        opportunity=opportunity(opportunity_id), kind=EventKind.ASSIGNED
    )
    return event.actor.username


def row_counts():
    return {model.__name__: model.objects.count() for model in IMPORTED_MODELS}


@pytest.mark.django_db
def test_fixture_import_counts(report):
    assert report.rows_read == 25
    assert report.created == 23
    assert report.already_present == 0
    assert report.duplicates == 1
    assert report.rejected == 1
    assert report.failed == 0
    assert report.accounts_created == 6
    assert report.products_created == 5
    assert report.users_created == 7
    assert report.processes_started == 9
    assert report.orders_created == 9
    assert Opportunity.objects.count() == 23
    assert Order.objects.count() == 9
    assert ProcessInstance.objects.count() == 9


@pytest.mark.django_db
def test_fixture_problem_counts(report):
    assert report.problem_counts() == {
        "duplicate_id": 1,
        "missing_id": 1,
        "missing_account": 2,
        "unknown_account": 1,
        "product_name_differs": 1,
        "unknown_product": 1,
        "missing_agent": 1,
        "agent_without_manager": 4,
        "unknown_stage": 1,
        "invalid_date": 1,
        "missing_engage_date": 4,
        "missing_close_date": 1,
        "close_before_engage": 1,
        "invalid_value": 1,
        "won_without_value": 2,
        "open_without_value": 8,
        "ignored_on_open_deal": 1,
        "duplicate_account": 1,
        "duplicate_product": 1,
        "invalid_price": 1,
        "duplicate_agent": 1,
    }


@pytest.mark.parametrize(
    ("code", "ref"),
    [
        ("duplicate_id", "T012DUPL"),
        ("missing_id", "line 20"),
        ("missing_account", "T006NOAC"),
        ("missing_account", "T007NOAC"),
        ("unknown_account", "T016ELMS"),
        ("product_name_differs", "T002WON2"),
        ("unknown_product", "T013UNKP"),
        ("missing_agent", "T015NOAG"),
        ("agent_without_manager", "T008NOMG"),
        ("agent_without_manager", "T009NOTM"),
        ("agent_without_manager", "T010NOTM"),
        ("agent_without_manager", "T019LOST"),
        ("unknown_stage", "T011STAG"),
        ("invalid_date", "T017BADT"),
        ("missing_engage_date", "T005PROS"),
        ("missing_engage_date", "T017BADT"),
        ("missing_close_date", "T022NOCD"),
        ("close_before_engage", "T023BACK"),
        ("invalid_value", "T021BVAL"),
        ("won_without_value", "T014NOVL"),
        ("won_without_value", "T021BVAL"),
        ("open_without_value", "T004ENGA"),
        ("ignored_on_open_deal", "T018OPNV"),
        ("duplicate_account", "Alderwood Foods Inc."),
        ("duplicate_product", "nimbus-basic"),
        ("invalid_price", "Vega Ultra"),
        ("duplicate_agent", "Ada Quintero"),
    ],
)
@pytest.mark.django_db
def test_dirty_case_reported(report, code, ref):
    assert ref in report.problem_refs(code)


@pytest.mark.django_db
def test_summary_adds_up(report):
    accounted = (
        report.created
        + report.already_present
        + report.duplicates
        + report.rejected
        + report.failed
    )

    assert accounted == report.rows_read


@pytest.mark.parametrize(
    ("opportunity_id", "phase"),
    [
        ("T001WON1", Phase.OFFER_ACCEPTED),
        ("T003LOST", Phase.OFFER_DECLINED),
        ("T004ENGA", Phase.PRE_OFFER),
        ("T005PROS", Phase.LATENT),
        ("T011STAG", Phase.LATENT),
    ],
)
@pytest.mark.django_db
def test_stage_maps_to_phase(report, opportunity_id, phase):
    assert opportunity(opportunity_id).phase == phase


@pytest.mark.django_db
def test_milestones_of_won_deal(report):
    won = opportunity("T001WON1")

    assert won.registered_at == midnight("2017-01-05")
    assert won.first_action_at == midnight("2017-01-05")
    assert won.offer_sent_at is None
    assert won.closed_at == midnight("2017-02-10")


@pytest.mark.django_db
def test_milestones_of_lost_deal(report):
    lost = opportunity("T003LOST")

    assert lost.registered_at == midnight("2017-02-01")
    assert lost.first_action_at == midnight("2017-02-01")
    assert lost.offer_sent_at is None
    assert lost.closed_at == midnight("2017-04-15")


@pytest.mark.django_db
def test_milestones_of_engaging_deal(report):
    engaging = opportunity("T018OPNV")

    assert engaging.registered_at == midnight("2017-10-10")
    assert engaging.first_action_at == midnight("2017-10-10")
    assert engaging.closed_at is None


@pytest.mark.django_db
def test_prospect_registered_at_import_time():
    before = timezone.now()
    import_pipeline(FIXTURE)
    after = timezone.now()

    prospect = opportunity("T005PROS")
    assert before <= prospect.registered_at <= after
    assert prospect.first_action_at is None
    assert prospect.closed_at is None


@pytest.mark.django_db
def test_closed_deal_without_dates(report):
    bad_engage_date = opportunity("T017BADT")
    no_close_date = opportunity("T022NOCD")

    assert bad_engage_date.registered_at == midnight("2017-07-07")
    assert bad_engage_date.first_action_at is None
    assert bad_engage_date.closed_at == midnight("2017-07-07")
    assert no_close_date.closed_at == midnight("2017-06-02")


@pytest.mark.django_db
def test_phase_change_and_event_recorded(report):
    for imported in Opportunity.objects.all():
        changes = list(imported.phase_changes.all())
        events = list(imported.events.filter(kind=EventKind.IMPORTED))
        assert len(changes) == 1, imported.external_ref
        assert changes[0].from_phase is None
        assert changes[0].to_phase == imported.phase
        assert len(events) == 1, imported.external_ref

    assert opportunity("T001WON1").phase_changes.get().changed_at == midnight(
        "2017-02-10"
    )


@pytest.mark.django_db
def test_opportunity_name_and_currency(report):
    won = opportunity("T001WON1")
    without_account = opportunity("T006NOAC")

    assert won.name == "Nimbus Basic for Alderwood Foods"
    assert won.currency == "USD"
    assert won.line_of_business == "retail"
    assert without_account.name == "Orbit Max (no account)"
    assert without_account.account is None


@pytest.mark.django_db
def test_won_deal_has_order(report):
    won = opportunity("T001WON1")

    order = won.order
    line = order.lines.get()
    requested = won.requested_products.get()
    assert order.amount == Decimal("480.00")
    assert order.currency == "USD"
    assert order.status == OrderStatus.HANDED_OFF
    assert order.created_at == midnight("2017-02-10")
    assert line.product.code == "nimbus-basic"
    assert line.quantity == 1
    assert line.unit_price == Decimal("480.00")
    assert requested.product.code == "nimbus-basic"
    assert requested.quantity == 1


@pytest.mark.parametrize(
    ("opportunity_id", "amount"),
    [
        ("T002WON2", Decimal("3950.00")),
        ("T012DUPL", Decimal("55.00")),
        ("T013UNKP", Decimal("7000.00")),
        ("T014NOVL", Decimal("3000.00")),
        ("T021BVAL", Decimal("60.00")),
    ],
)
@pytest.mark.django_db
def test_won_order_amount(report, opportunity_id, amount):
    assert opportunity(opportunity_id).order.amount == amount


@pytest.mark.django_db
def test_lost_and_open_deals_have_no_order(report):
    assert not Order.objects.filter(opportunity=opportunity("T003LOST")).exists()
    assert not Order.objects.filter(opportunity=opportunity("T018OPNV")).exists()


@pytest.mark.django_db
def test_product_spelled_differently_matched(report):
    requested = opportunity("T002WON2").requested_products.get()

    assert requested.product.name == "Nimbus Pro"


@pytest.mark.django_db
def test_unknown_product_leaves_order_without_lines(report):
    unknown = opportunity("T013UNKP")

    assert unknown.name == "Quasar 9 for Brightline Labs"
    assert not unknown.requested_products.exists()
    assert not unknown.order.lines.exists()


@pytest.mark.parametrize(("opportunity_id", "username"), OPEN_ROWS.items())
@pytest.mark.django_db
def test_open_deal_has_follow_up(report, opportunity_id, username):
    follow_ups = open_tasks(opportunity_id, "follow_up")

    assert len(follow_ups) == 1
    assert follow_ups[0].assignee.username == username
    assert opportunity(opportunity_id).owner.username == username
    assert open_tasks(opportunity_id, "assign_owner") == []
    assert opportunity(opportunity_id).process.status == InstanceStatus.RUNNING


@pytest.mark.parametrize(
    ("opportunity_id", "coordinator"),
    [
        ("T004ENGA", "hollis-varga"),
        ("T005PROS", "ines-castell"),
        # Dario Mendes has no manager and Esme Faulkner no team, so the
        # first coordinator by username assigns them.
        ("T008NOMG", "hollis-varga"),
        ("T009NOTM", "hollis-varga"),
    ],
)
@pytest.mark.django_db
def test_owner_assigned_by_coordinator(report, opportunity_id, coordinator):
    assert assigned_by(opportunity_id) == coordinator


@pytest.mark.django_db
def test_open_deal_without_agent_waits_for_assignment(report):
    unassigned = opportunity("T015NOAG")

    assert unassigned.owner is None
    assert len(open_tasks("T015NOAG", "assign_owner")) == 1
    assert open_tasks("T015NOAG", "follow_up") == []
    assert unassigned.process.status == InstanceStatus.RUNNING


@pytest.mark.django_db
def test_closed_deals_have_no_process(report):
    closed = Opportunity.objects.filter(
        external_ref__in=[f"maven:{ref}" for ref in CLOSED_ROWS]
    )

    assert closed.count() == len(CLOSED_ROWS)
    assert not ProcessInstance.objects.filter(opportunity__in=closed).exists()
    assert not HumanTask.objects.filter(opportunity__in=closed).exists()
    assert opportunity("T010NOTM").owner.username == "esme-faulkner"


@pytest.mark.django_db
def test_duplicate_id_keeps_first_row(report):
    first_row = opportunity("T012DUPL")

    assert first_row.phase == Phase.OFFER_ACCEPTED
    assert first_row.owner.username == "ada-quintero"


@pytest.mark.django_db
def test_accounts_imported(report):
    alderwood = Account.objects.get(name="Alderwood Foods")
    fenwick = Account.objects.get(name="Fenwick Optics")
    elmstead = Account.objects.get(name="Elmstead Trading")

    assert Account.objects.count() == 6
    assert alderwood.kind == AccountKind.CLIENT
    assert alderwood.line_of_business == "retail"
    assert alderwood.country == "United States"
    assert fenwick.kind == AccountKind.PROSPECT
    assert fenwick.line_of_business == "technology"
    assert fenwick.country == "Chile"
    assert elmstead.kind == AccountKind.PROSPECT
    assert elmstead.line_of_business == ""


@pytest.mark.django_db
def test_products_imported(report):
    nimbus_pro = Product.objects.get(code="nimbus-pro")
    vega = Product.objects.get(code="vega-ultra")

    assert Product.objects.count() == 5
    assert nimbus_pro.name == "Nimbus Pro"
    assert nimbus_pro.series == "Nimbus"
    assert nimbus_pro.unit_price == Decimal("4000.00")
    assert nimbus_pro.currency == "USD"
    assert Product.objects.get(code="nimbus-basic").unit_price == Decimal("500.00")
    assert vega.unit_price == 0


@pytest.mark.django_db
def test_users_imported(report):
    agent = User.objects.get(username="ada-quintero")
    manager = User.objects.get(username="ines-castell")
    outside_teams = User.objects.get(username="esme-faulkner")

    assert agent.first_name == "Ada"
    assert agent.last_name == "Quintero"
    assert agent.role_codes == {Role.SALESPERSON}
    assert not agent.has_usable_password()
    assert manager.first_name == "Inés"
    assert manager.role_codes == {Role.COORDINATOR}
    assert not manager.has_usable_password()
    assert outside_teams.role_codes == {Role.SALESPERSON}
    assert not User.objects.filter(username="import").exists()


@pytest.mark.django_db
def test_second_run_creates_nothing():
    import_pipeline(FIXTURE)
    before = row_counts()

    second = import_pipeline(FIXTURE)

    assert row_counts() == before
    assert second.rows_read == 25
    assert second.created == 0
    assert second.already_present == 23
    assert second.duplicates == 1
    assert second.rejected == 1
    assert second.accounts_created == 0
    assert second.products_created == 0
    assert second.users_created == 0
    assert second.processes_started == 0
    assert second.orders_created == 0


@pytest.mark.django_db
def test_existing_records_reused():
    Account.objects.create(name="Alderwood Foods S.L.", kind=AccountKind.PROSPECT)
    Product.objects.create(code="nimbus-basic", name="Nimbus Basic", unit_price=450)
    User.objects.create(username="ada-quintero", first_name="Ada")

    report = import_pipeline(FIXTURE)

    alderwood = Account.objects.get(match_key="alderwoodfoods")
    assert report.accounts_created == 5
    assert alderwood.kind == AccountKind.CLIENT
    assert opportunity("T001WON1").account == alderwood
    assert report.products_created == 4
    assert Product.objects.get(code="nimbus-basic").unit_price == 450
    assert report.users_created == 6
    assert "ada-quintero" in report.problem_refs("role_added")
    assert User.objects.get(username="ada-quintero").role_codes == {Role.SALESPERSON}


@pytest.mark.django_db
def test_import_user_assigns_without_coordinators(fixture_copy):
    (fixture_copy / "sales_teams.csv").write_text(
        "sales_agent,manager,regional_office\nBram Okafor,,North\n",
        encoding="utf-8",
    )

    report = import_pipeline(fixture_copy)

    import_user = User.objects.get(username="import")
    assert report.failed == 0
    assert import_user.role_codes == {Role.COORDINATOR}
    assert not import_user.has_usable_password()
    assert assigned_by("T004ENGA") == "import"
    assert open_tasks("T004ENGA", "follow_up")[0].assignee.username == "bram-okafor"


@pytest.mark.django_db
def test_existing_coordinator_preferred_to_import_user(fixture_copy):
    (fixture_copy / "sales_teams.csv").write_text(
        "sales_agent,manager,regional_office\n", encoding="utf-8"
    )
    coordinator = User.objects.create(username="zoe-coordinator")
    coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))

    import_pipeline(fixture_copy)

    assert assigned_by("T004ENGA") == "zoe-coordinator"
    assert not User.objects.filter(username="import").exists()


@pytest.mark.django_db
def test_failed_row_rolled_back_then_imported():
    User.objects.create(username="bram-okafor", is_active=False)

    first = import_pipeline(FIXTURE)

    failed = {"T004ENGA", "T011STAG", "T018OPNV"}
    assert first.failed == 3
    assert set(first.problem_refs("row_failed")) == failed
    assert not Opportunity.objects.filter(
        external_ref__in=[f"maven:{ref}" for ref in failed]
    ).exists()
    assert ProcessInstance.objects.count() == 6

    User.objects.filter(username="bram-okafor").update(is_active=True)
    second = import_pipeline(FIXTURE)

    assert second.created == 3
    assert second.failed == 0
    assert open_tasks("T004ENGA", "follow_up")[0].assignee.username == "bram-okafor"


@pytest.mark.django_db
def test_progress_written_to_stdout(monkeypatch):
    monkeypatch.setattr(pipeline, "PROGRESS_EVERY", 10)
    stdout = StringIO()

    import_pipeline(FIXTURE, stdout=stdout)

    assert stdout.getvalue().splitlines() == [
        "Processed 10 of 23 pipeline rows.",
        "Processed 20 of 23 pipeline rows.",
    ]


@pytest.mark.django_db
def test_command_prints_summary():
    stdout = StringIO()

    call_command("import_pipeline", str(FIXTURE), stdout=stdout)

    lines = stdout.getvalue().splitlines()
    assert "Pipeline rows read:           25" in lines
    assert "Opportunities created:        23" in lines
    assert "Already present (skipped):    0" in lines
    assert "Duplicate ids (not imported): 1" in lines
    assert "Processes started:            9" in lines
    assert "Orders created:               9" in lines
    assert (
        "  missing_account (2): The row names no account, so the opportunity "
        "has none." in lines
    )
    assert "    Examples: T006NOAC, T007NOAC" in lines


def test_command_missing_file(fixture_copy):
    (fixture_copy / "sales_teams.csv").unlink()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_pipeline", str(fixture_copy))

    assert str(excinfo.value) == (
        f"{fixture_copy / 'sales_teams.csv'} is missing. The import expects "
        "sales_teams.csv with the columns sales_agent, manager."
    )


def test_command_missing_directory(tmp_path):
    missing = tmp_path / "nowhere"

    with pytest.raises(CommandError) as excinfo:
        call_command("import_pipeline", str(missing))

    assert str(excinfo.value) == (
        f"{missing} is not a directory. Give the directory that contains "
        "accounts.csv, products.csv, sales_teams.csv, sales_pipeline.csv."
    )


def test_command_missing_column(fixture_copy):
    (fixture_copy / "products.csv").write_text(
        "product,series\nNimbus Basic,Nimbus\n", encoding="utf-8"
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("import_pipeline", str(fixture_copy))

    assert str(excinfo.value) == (
        f"{fixture_copy / 'products.csv'} has no column sales_price. The import "
        "expects a header row with the columns product, series, sales_price."
    )


def test_command_file_not_utf8(fixture_copy):
    products = fixture_copy / "products.csv"
    products.write_bytes(
        "product,series,sales_price\nN\xe9bula,N,5\n".encode("latin-1")
    )

    with pytest.raises(CommandError) as excinfo:
        call_command("import_pipeline", str(fixture_copy))

    message = str(excinfo.value)
    assert message.startswith(f"{products} is not UTF-8 text (")
    assert message.endswith("). Save it as UTF-8 and run the import again.")
