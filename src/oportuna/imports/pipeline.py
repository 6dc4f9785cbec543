"""Import a directory laid out like the Maven Analytics CRM sample.

The layout is that of the "CRM + Sales + Opportunities" data set of the
Maven Analytics data playground: accounts.csv, products.csv,
sales_teams.csv and sales_pipeline.csv. Every pipeline row becomes one
opportunity whose external_ref is "maven:<opportunity_id>", so importing
the same directory again skips the rows already imported. Accounts,
products and users are matched before they are created, for the same
reason. Each pipeline row is written in its own transaction, so a row
that fails leaves nothing behind and the next run imports it.
"""

import csv
import datetime
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from oportuna.accounts.matching import normalize_account_name, strip_accents
from oportuna.accounts.models import Account, AccountKind
from oportuna.accounts.services import make_client
from oportuna.catalog.models import Product
from oportuna.errors import DomainError
from oportuna.opportunities.models import (
    EventKind,
    Opportunity,
    Order,
    OrderLine,
    OrderStatus,
    PhaseChange,
    RequestedProduct,
)
from oportuna.opportunities.phases import OPEN_PHASES, Phase
from oportuna.opportunities.services import assign_owner
from oportuna.opportunities.services.audit import record_event
from oportuna.processes import services as processes
from oportuna.processes.models import HumanTask, TaskStatus
from oportuna.users.models import User
from oportuna.users.roles import Role

logger = logging.getLogger(__name__)

ACCOUNTS_FILE = "accounts.csv"
PRODUCTS_FILE = "products.csv"
TEAMS_FILE = "sales_teams.csv"
PIPELINE_FILE = "sales_pipeline.csv"
# Columns the import reads from each file. Other columns are ignored
# because the models have no field for them (revenue, employees,
# year_established, subsidiary_of, regional_office).
REQUIRED_COLUMNS = {
    ACCOUNTS_FILE: ("account", "sector", "office_location"),
    PRODUCTS_FILE: ("product", "series", "sales_price"),
    TEAMS_FILE: ("sales_agent", "manager"),
    PIPELINE_FILE: (
        "opportunity_id",
        "sales_agent",
        "product",
        "account",
        "deal_stage",
        "engage_date",
        "close_date",
        "close_value",
    ),
}

EXTERNAL_REF_PREFIX = "maven:"
MAX_ID_LENGTH = Opportunity._meta.get_field("external_ref").max_length - len(
    EXTERNAL_REF_PREFIX
)
# The sample's prices and deal values are dollars.
CURRENCY = "USD"
# The sample records no offer date, so no stage maps to Offer sent. A Lost
# deal had been engaged, so it counts as a declined offer, not a lead
# dropped before an offer.
STAGE_PHASES = {
    "Prospecting": Phase.LATENT,
    "Engaging": Phase.PRE_OFFER,
    "Won": Phase.OFFER_ACCEPTED,
    "Lost": Phase.OFFER_DECLINED,
}
STAGE_PHASES_BY_NAME = {stage.lower(): phase for stage, phase in STAGE_PHASES.items()}
# Username of the coordinator the import creates when no active coordinator
# exists, because assign_owner accepts only a coordinator as the actor.
IMPORT_USERNAME = "import"
ASSIGN_OWNER_FORM = "assign_owner"
FOLLOW_UP_FORM = "follow_up"
CENT = Decimal("0.01")
# Amount fields have 14 digits, 2 of them after the point.
MAX_AMOUNT = Decimal(10) ** 12
PROGRESS_EVERY = 1000
# Maximum number of failed rows logged one by one. The report lists them all.
LOGGED_FAILURES = 10
EXAMPLES_SHOWN = 3

# Meaning of each problem code and how the import resolved it, in the
# order the summary lists them.
PROBLEMS = {
    "duplicate_id": (
        "The opportunity_id appears earlier in the file. The first row is "
        "imported and this one is not."
    ),
    "missing_id": "The row has no opportunity_id, so it is not imported.",
    "invalid_id": (
        f"The opportunity_id is longer than {MAX_ID_LENGTH} characters, so it is "
        "not imported."
    ),
    "row_failed": (
        "The row could not be written and was rolled back. Fix the cause "
        "and run the import again to import it."
    ),
    "missing_account": "The row names no account, so the opportunity has none.",
    "unknown_account": (
        f"The account is not in {ACCOUNTS_FILE}. It was created with its name only."
    ),
    "product_name_differs": (
        f"The product is spelled differently in {PRODUCTS_FILE} and was matched "
        "ignoring case, spaces and punctuation."
    ),
    "unknown_product": (
        f"The product is not in {PRODUCTS_FILE}. The opportunity has no requested "
        "product, and the order of a won deal has no lines."
    ),
    "missing_agent": (
        "The row names no sales agent. The opportunity has no owner, and an open "
        "deal waits in the coordinators' assign-owner task."
    ),
    "agent_without_manager": (
        f"The sales agent has no active manager in {TEAMS_FILE}. The agent is a "
        "salesperson without a manager, and another coordinator assigned the "
        "open deals."
    ),
    "unknown_stage": "The deal stage is not one the import knows. It became 1 Latent.",
    "invalid_date": "A date is not an ISO date (YYYY-MM-DD), so it is ignored.",
    "missing_engage_date": (
        "The row has no valid engage_date. The registration date is the closing "
        "date of a closed deal, or the time of the import, and there is no "
        "first-action date."
    ),
    "missing_close_date": (
        "A closed deal has no valid close_date. Its closing date is the engage "
        "date, or the time of the import."
    ),
    "close_before_engage": "The close_date is before the engage_date. Kept as given.",
    "invalid_value": "The close_value is not a number of 0 or more, so it is ignored.",
    "won_without_value": (
        "A won deal has no close_value. Its order is worth the product's list "
        "price, or 0 without a product."
    ),
    "open_without_value": (
        "An open deal has no close_value, as expected before it closes. No "
        "amount is recorded."
    ),
    "ignored_on_open_deal": (
        "An open deal has a close_date or close_value. Both are ignored until the "
        "deal closes."
    ),
    "duplicate_account": (
        f"The account appears earlier in {ACCOUNTS_FILE} under the same or a "
        "matching name. The first row is used."
    ),
    "missing_account_name": f"A row of {ACCOUNTS_FILE} has no account name.",
    "duplicate_product": (
        f"The product appears earlier in {PRODUCTS_FILE} under a matching name. "
        "The first row is used."
    ),
    "missing_product_name": f"A row of {PRODUCTS_FILE} has no product name.",
    "invalid_price": "The sales_price is not a number of 0 or more. It became 0.",
    "duplicate_agent": (
        f"The sales agent appears earlier in {TEAMS_FILE}. The first manager is used."
    ),
    "invalid_person_name": (
        "The name gives no usable username, so no user was made for it."
    ),
    "role_added": "A user that existed before the import was given this role.",
}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class ImportFileError(Exception):
    """Raised when the directory or one of its files cannot be read."""


class ImportRowError(Exception):
    """Raised inside a row's transaction to roll back a row left inconsistent."""


@dataclass(frozen=True)
class Problem:
    code: str
    # The opportunity id of a pipeline row, otherwise the name or line in the file.
    ref: str
    detail: str = ""


@dataclass
class ImportReport:
    """Counts of one import run and the problems found in the files.

    Every pipeline row read is counted exactly once: rows_read equals
    created + already_present + duplicates + rejected + failed.
    """

    rows_read: int = 0
    created: int = 0
    already_present: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed: int = 0
    accounts_created: int = 0
    products_created: int = 0
    users_created: int = 0
    processes_started: int = 0
    orders_created: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def add_problem(self, code, ref, detail=""):
        if code not in PROBLEMS:
            raise ValueError(f"unknown import problem code {code!r}")
        self.problems.append(Problem(code, ref, detail))

    def problem_counts(self) -> dict[str, int]:
        counts = Counter(problem.code for problem in self.problems)
        return {code: counts[code] for code in PROBLEMS if counts[code]}

    def problem_refs(self, code) -> list[str]:
        return [problem.ref for problem in self.problems if problem.code == code]

    def summary_lines(self) -> list[str]:
        lines = [
            f"Pipeline rows read:           {self.rows_read}",
            f"Opportunities created:        {self.created}",
            f"Already present (skipped):    {self.already_present}",
            f"Duplicate ids (not imported): {self.duplicates}",
            f"Without id (not imported):    {self.rejected}",
            f"Failed (rolled back):         {self.failed}",
            f"Accounts created:             {self.accounts_created}",
            f"Products created:             {self.products_created}",
            f"Users created:                {self.users_created}",
            f"Processes started:            {self.processes_started}",
            f"Orders created:               {self.orders_created}",
            f"Time taken:                   {self.seconds:.1f} s",
        ]
        counts = self.problem_counts()
        if not counts:
            return [*lines, "Problems: none."]
        lines.append("Problems:")
        for code, count in counts.items():
            lines.append(f"  {code} ({count}): {PROBLEMS[code]}")
            lines.append(f"    Examples: {self._examples(code)}")
        return lines

    def _examples(self, code):
        found = [problem for problem in self.problems if problem.code == code]
        examples = [
            f"{problem.ref} ({problem.detail})" if problem.detail else problem.ref
            for problem in found[:EXAMPLES_SHOWN]
        ]
        more = len(found) - len(examples)
        return ", ".join(examples) + (f" and {more} more" if more else "")


@dataclass
class PipelineRow:
    line: int
    opportunity_id: str
    sales_agent: str
    product: str
    account: str
    deal_stage: str
    engage_date: str
    close_date: str
    close_value: str

    @property
    def external_ref(self):
        return EXTERNAL_REF_PREFIX + self.opportunity_id

    @property
    def phase(self):
        """Return the phase of the deal stage, or None for an unknown stage."""
        return STAGE_PHASES_BY_NAME.get(self.deal_stage.lower())

    @property
    def is_open(self):
        return self.phase is None or self.phase in OPEN_PHASES

    @property
    def agent_username(self):
        return username_for(self.sales_agent) if self.sales_agent else ""


@dataclass
class ResolvedRow:
    """A pipeline row with its references looked up and its values parsed."""

    row: PipelineRow
    phase: Phase
    account: Account | None = None
    product: Product | None = None
    agent: User | None = None
    coordinator: User | None = None
    registered_at: datetime.datetime | None = None
    first_action_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    amount: Decimal | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def phase_reached_at(self):
        return self.closed_at or self.first_action_at or self.registered_at


def import_pipeline(directory, *, stdout=None) -> ImportReport:
    """Import the four files of `directory` and return what was done.

    Raises ImportFileError, naming the file, when the directory, a file or
    a required column is missing. Problems in the rows do not raise: each
    is resolved as PROBLEMS describes and listed in the report. `stdout`,
    if given, receives a progress line every PROGRESS_EVERY rows.
    """
    started = time.monotonic()
    tables = read_tables(Path(directory))
    logger.info("Importing the pipeline from %s", directory)
    report = ImportReport()
    PipelineImport(tables, report, stdout=stdout).run()
    report.seconds = time.monotonic() - started
    if report.failed > LOGGED_FAILURES:
        logger.warning(
            "%s pipeline rows were rolled back, %s of them logged above",
            report.failed,
            LOGGED_FAILURES,
        )
    logger.info(
        "Imported the pipeline: %s rows read, %s opportunities created, "
        "%s already present, %s failed",
        report.rows_read,
        report.created,
        report.already_present,
        report.failed,
    )
    return report


def read_tables(directory: Path) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """Read every file of the layout into (line number, row) pairs."""
    if not directory.is_dir():
        raise ImportFileError(
            f"{directory} is not a directory. Give the directory that contains "
            f"{', '.join(REQUIRED_COLUMNS)}."
        )
    return {
        name: read_csv(directory / name, columns)
        for name, columns in REQUIRED_COLUMNS.items()
    }


def read_csv(path: Path, columns) -> list[tuple[int, dict[str, str]]]:
    expected = ", ".join(columns)
    if not path.is_file():
        raise ImportFileError(
            f"{path} is missing. The import expects {path.name} with the columns "
            f"{expected}."
        )
    try:
        # utf-8-sig also reads files saved with a byte order mark, as
        # spreadsheet programs write them.
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file, restval="")
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [column for column in columns if column not in header]
            if missing:
                raise ImportFileError(
                    f"{path} has no column {', '.join(missing)}. The import expects "
                    f"a header row with the columns {expected}."
                )
            reader.fieldnames = header
            return [(reader.line_num, _strip_values(values)) for values in reader]
    except csv.Error as error:
        raise ImportFileError(
            f"{path} is not a valid CSV file (line {reader.line_num}: {error}). "
            "Fix the file and run the import again."
        ) from error
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 text ({error}). Save it as UTF-8 and run the "
            "import again."
        ) from error
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read ({error}).") from error


def _strip_values(values):
    # A row longer than the header puts its extra cells in a list under None.
    return {name: value.strip() for name, value in values.items() if name is not None}


def product_key(name):
    """Return what two spellings of a product name share ("GTXPro", "GTX Pro")."""
    return _NON_ALNUM.sub("", strip_accents(name).lower())


def username_for(full_name):
    return slugify(full_name)[:150] or slugify(full_name, allow_unicode=True)[:150]


def aware_midnight(day: datetime.date) -> datetime.datetime:
    midnight = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def _clip(value, field_name, model):
    return value[: model._meta.get_field(field_name).max_length]


class PipelineImport:
    """One run of the import, with the lookups it caches.

    Accounts, products and users are created first, in one transaction,
    so that a pipeline row rolled back never takes with it an object that
    later rows use.
    """

    def __init__(self, tables, report, *, stdout=None):
        self.tables = tables
        self.report = report
        self.stdout = stdout
        self.now = timezone.now()
        self.accounts = {}  # match key -> Account
        self.known_account_keys = set()  # match keys of accounts.csv
        self.products = {}  # product key -> Product
        self.names = {}  # username -> the full name it was made from
        self.users = {}  # username -> User, once import_users has run
        self.managers = {}  # agent's username -> manager's username, or ""
        self.fallback_coordinator = None
        self.diagram = None

    def run(self):
        rows = self.unique_rows()
        with transaction.atomic():
            self.import_accounts(rows)
            self.import_products()
            self.import_users(rows)
        self.diagram = processes.active_diagram()
        present = set(
            Opportunity.objects.filter(
                external_ref__startswith=EXTERNAL_REF_PREFIX
            ).values_list("external_ref", flat=True)
        )
        for number, row in enumerate(rows, start=1):
            if row.external_ref in present:
                self.report.already_present += 1
            else:
                self.import_row(row)
            if self.stdout is not None and number % PROGRESS_EVERY == 0:
                self.stdout.write(f"Processed {number} of {len(rows)} pipeline rows.\n")

    # Pipeline rows

    def unique_rows(self):
        """Return the rows to import, first of each id, reporting the others."""
        rows = {}
        for line, values in self.tables[PIPELINE_FILE]:
            self.report.rows_read += 1
            row = PipelineRow(
                line=line,
                **{name: values[name] for name in REQUIRED_COLUMNS[PIPELINE_FILE]},
            )
            if not row.opportunity_id:
                self.report.rejected += 1
                self.report.add_problem("missing_id", f"line {line}")
            elif len(row.opportunity_id) > MAX_ID_LENGTH:
                self.report.rejected += 1
                self.report.add_problem("invalid_id", f"line {line}")
            elif row.opportunity_id in rows:
                self.report.duplicates += 1
                first = rows[row.opportunity_id].line
                self.report.add_problem(
                    "duplicate_id",
                    row.opportunity_id,
                    f"line {line}, first on line {first}",
                )
            else:
                rows[row.opportunity_id] = row
        return list(rows.values())

    def import_row(self, row):
        resolved = self.resolve(row)
        try:
            with transaction.atomic():
                self.write(resolved)
        except (DomainError, ValidationError, IntegrityError, ImportRowError) as error:
            self.report.failed += 1
            self.report.add_problem("row_failed", row.opportunity_id, str(error))
            if self.report.failed <= LOGGED_FAILURES:
                logger.warning(
                    "Pipeline row %s was rolled back: %s", row.opportunity_id, error
                )
            return
        self.report.created += 1
        if resolved.phase in OPEN_PHASES:
            self.report.processes_started += 1
        if resolved.phase == Phase.OFFER_ACCEPTED:
            self.report.orders_created += 1
        for code, detail in resolved.problems:
            self.report.add_problem(code, row.opportunity_id, detail)

    def resolve(self, row):
        phase = row.phase
        resolved = ResolvedRow(row=row, phase=phase or Phase.LATENT)
        if phase is None:
            resolved.problems.append(("unknown_stage", row.deal_stage or "empty"))
        self.resolve_account(resolved)
        self.resolve_product(resolved)
        self.resolve_agent(resolved)
        self.resolve_dates(resolved)
        self.resolve_amount(resolved)
        return resolved

    def resolve_account(self, resolved):
        name = resolved.row.account
        if not name:
            resolved.problems.append(("missing_account", ""))
            return
        key = normalize_account_name(name)
        resolved.account = self.accounts.get(key)
        if key not in self.known_account_keys:
            resolved.problems.append(("unknown_account", name))

    def resolve_product(self, resolved):
        name = resolved.row.product
        resolved.product = self.products.get(product_key(name)) if name else None
        if resolved.product is None:
            resolved.problems.append(("unknown_product", name or "empty"))
        elif resolved.product.name != name:
            resolved.problems.append(
                ("product_name_differs", f"{name} → {resolved.product.name}")
            )

    def resolve_agent(self, resolved):
        row = resolved.row
        resolved.agent = self.users.get(row.agent_username)
        if resolved.agent is None:
            resolved.problems.append(("missing_agent", row.sales_agent))
            return
        resolved.coordinator = self.active_manager_of(row.agent_username)
        if resolved.coordinator is not None:
            return
        resolved.coordinator = self.fallback_coordinator
        manager = self.managers.get(row.agent_username)
        if manager is None:
            detail = f"not in {TEAMS_FILE}"
        elif not manager:
            detail = f"no manager in {TEAMS_FILE}"
        else:
            detail = f"manager {manager} is inactive"
        if row.is_open:
            detail += f", assigned by {self.fallback_coordinator.username}"
        resolved.problems.append(("agent_without_manager", detail))

    def resolve_dates(self, resolved):
        row = resolved.row
        is_open = resolved.phase in OPEN_PHASES
        engaged = self.parse_date(resolved, "engage_date")
        closed = None if is_open else self.parse_date(resolved, "close_date")
        if engaged is not None:
            resolved.registered_at = aware_midnight(engaged)
            if resolved.phase != Phase.LATENT:
                resolved.first_action_at = resolved.registered_at
        if not is_open and closed is not None:
            resolved.closed_at = aware_midnight(closed)
        elif not is_open:
            resolved.closed_at = resolved.first_action_at or self.now
            resolved.problems.append(("missing_close_date", ""))
        if engaged is None:
            # A closed deal registered at the time of the import would have
            # been registered after it closed.
            resolved.registered_at = resolved.closed_at or self.now
            resolved.problems.append(("missing_engage_date", ""))
        elif closed is not None and closed < engaged:
            resolved.problems.append(
                ("close_before_engage", f"{row.engage_date} > {row.close_date}")
            )

    def parse_date(self, resolved, column):
        value = getattr(resolved.row, column)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            resolved.problems.append(("invalid_date", f"{column} {value}"))
            return None

    def resolve_amount(self, resolved):
        row = resolved.row
        if resolved.phase in OPEN_PHASES:
            ignored = [
                f"{column} {getattr(row, column)}"
                for column in ("close_date", "close_value")
                if getattr(row, column)
            ]
            if ignored:
                resolved.problems.append(("ignored_on_open_deal", ", ".join(ignored)))
            if not row.close_value:
                resolved.problems.append(("open_without_value", ""))
            return
        value = parse_amount(row.close_value) if row.close_value else None
        if row.close_value and value is None:
            resolved.problems.append(("invalid_value", row.close_value))
        if resolved.phase != Phase.OFFER_ACCEPTED:
            return
        if value is None:
            value = resolved.product.unit_price if resolved.product else Decimal("0")
            resolved.problems.append(("won_without_value", f"order amount {value}"))
        resolved.amount = value

    def write(self, resolved):
        """Create the opportunity of one row and everything that hangs on it.

        Runs inside the row's transaction, which the caller opens.
        """
        account = resolved.account
        opportunity = Opportunity.objects.create(
            name=_clip(opportunity_name(resolved), "name", Opportunity),
            account=account,
            line_of_business=account.line_of_business if account else "",
            currency=CURRENCY,
            phase=resolved.phase,
            registered_at=resolved.registered_at,
            first_action_at=resolved.first_action_at,
            closed_at=resolved.closed_at,
            # Open deals get their owner through the assign-owner task.
            owner=None if resolved.phase in OPEN_PHASES else resolved.agent,
            external_ref=resolved.row.external_ref,
        )
        PhaseChange.objects.create(
            opportunity=opportunity,
            to_phase=resolved.phase,
            changed_at=resolved.phase_reached_at,
        )
        record_event(
            opportunity,
            EventKind.IMPORTED,
            actor=None,
            detail=f"{PIPELINE_FILE}, opportunity_id {resolved.row.opportunity_id}",
            at=self.now,
        )
        if resolved.product is not None:
            RequestedProduct.objects.create(
                opportunity=opportunity, product=resolved.product, quantity=1
            )
        if resolved.phase == Phase.OFFER_ACCEPTED:
            self.write_order(opportunity, resolved)
        if resolved.phase in OPEN_PHASES:
            self.start_follow_up(opportunity, resolved)

    def write_order(self, opportunity, resolved):
        # The deal closed outside Oportuna and no process will ever hand it
        # off, so the order is recorded as handed to fulfilment.
        order = Order.objects.create(
            opportunity=opportunity,
            amount=resolved.amount,
            currency=CURRENCY,
            status=OrderStatus.HANDED_OFF,
            created_at=resolved.closed_at,
        )
        if resolved.product is not None:
            OrderLine.objects.create(
                order=order,
                product=resolved.product,
                quantity=1,
                unit_price=resolved.amount,
                currency=CURRENCY,
            )

    def start_follow_up(self, opportunity, resolved):
        """Run the intake process until the agent's follow-up task is open.

        Without an agent the process waits in the coordinators' assign-owner
        task, as an opportunity registered by hand does.
        """
        processes.start_process(
            opportunity, actor=resolved.coordinator, diagram=self.diagram
        )
        if resolved.agent is None:
            return
        task = HumanTask.objects.filter(
            opportunity=opportunity, form_key=ASSIGN_OWNER_FORM, status=TaskStatus.OPEN
        ).first()
        if task is None:
            raise ImportRowError(
                f"the process has no open {ASSIGN_OWNER_FORM} task to complete"
            )
        assign_owner(task, actor=resolved.coordinator, salesperson=resolved.agent)
        assignees = list(
            HumanTask.objects.filter(
                opportunity=opportunity, form_key=FOLLOW_UP_FORM, status=TaskStatus.OPEN
            ).values_list("assignee_id", flat=True)
        )
        if assignees != [resolved.agent.pk]:
            raise ImportRowError(
                f"expected one open {FOLLOW_UP_FORM} task assigned to "
                f"{resolved.agent.username}, found assignees {assignees}"
            )

    # Accounts, products and users

    def import_accounts(self, rows):
        """Create the accounts of accounts.csv and those only the pipeline names.

        An account is a client when at least one of its deals was won.
        Existing accounts keep their fields, but a prospect with a won deal
        becomes a client.
        """
        won_keys = {
            normalize_account_name(row.account)
            for row in rows
            if row.phase == Phase.OFFER_ACCEPTED
        }
        existing = {}
        # Newest first, so that the oldest account of a match key wins, as in
        # find_matching_account.
        for account in Account.objects.order_by("-pk"):
            existing[account.match_key] = account
        for line, values in self.tables[ACCOUNTS_FILE]:
            name = values["account"]
            key = normalize_account_name(name)
            if not key:
                self.report.add_problem("missing_account_name", f"line {line}")
            elif key in self.accounts:
                self.report.add_problem("duplicate_account", name, f"line {line}")
            else:
                fields = {
                    "line_of_business": _clip(
                        values["sector"], "line_of_business", Account
                    ),
                    "country": _clip(values["office_location"], "country", Account),
                }
                self.accounts[key] = self.get_or_create_account(
                    name, existing, won_keys, fields
                )
        self.known_account_keys = set(self.accounts)
        for row in rows:
            key = normalize_account_name(row.account)
            if key and key not in self.accounts:
                self.accounts[key] = self.get_or_create_account(
                    row.account, existing, won_keys, {}
                )

    def get_or_create_account(self, name, existing, won_keys, fields):
        key = normalize_account_name(name)
        is_client = key in won_keys
        account = existing.get(key)
        if account is not None:
            if is_client:
                make_client(account)
            return account
        self.report.accounts_created += 1
        return Account.objects.create(
            name=_clip(name, "name", Account),
            kind=AccountKind.CLIENT if is_client else AccountKind.PROSPECT,
            **fields,
        )

    def import_products(self):
        """Create the products of products.csv. Existing products keep their fields."""
        existing_by_code = {product.code: product for product in Product.objects.all()}
        existing_by_key = {
            product_key(product.name): product
            for product in Product.objects.order_by("-pk")
        }
        for line, values in self.tables[PRODUCTS_FILE]:
            name = values["product"]
            key = product_key(name)
            code = slugify(name)[:64]
            if not key or not code:
                self.report.add_problem("missing_product_name", f"line {line}")
                continue
            if key in self.products:
                self.report.add_problem("duplicate_product", name, f"line {line}")
                continue
            product = existing_by_code.get(code) or existing_by_key.get(key)
            if product is None:
                product = self.create_product(name, code, values)
            self.products[key] = product

    def create_product(self, name, code, values):
        price = parse_amount(values["sales_price"])
        if price is None:
            self.report.add_problem(
                "invalid_price", name, values["sales_price"] or "empty"
            )
            price = Decimal("0")
        self.report.products_created += 1
        return Product.objects.create(
            code=code,
            name=_clip(name, "name", Product),
            series=_clip(values["series"], "series", Product),
            unit_price=price,
            currency=CURRENCY,
        )

    def import_users(self, rows):
        """Create the sales agents as salespeople and their managers as coordinators."""
        salespeople, coordinators = set(), set()
        for line, values in self.tables[TEAMS_FILE]:
            agent = self.add_person(values["sales_agent"], salespeople, f"line {line}")
            manager = self.add_person(values["manager"], coordinators, f"line {line}")
            if agent is None:
                continue
            if agent in self.managers:
                self.report.add_problem(
                    "duplicate_agent", values["sales_agent"], f"line {line}"
                )
            else:
                self.managers[agent] = manager or ""
        for row in rows:
            self.add_person(row.sales_agent, salespeople, row.opportunity_id)
        self.create_users(salespeople, Role.SALESPERSON)
        self.create_users(coordinators, Role.COORDINATOR)
        # Read the users again so that their cached roles include the new groups.
        self.users = {
            user.username: user for user in User.objects.filter(username__in=self.names)
        }
        if any(
            self.active_manager_of(row.agent_username) is None
            for row in rows
            if row.is_open and row.agent_username
        ):
            self.fallback_coordinator = self.find_or_create_fallback_coordinator()

    def add_person(self, full_name, usernames, ref):
        if not full_name:
            return None
        username = username_for(full_name)
        if not username:
            self.report.add_problem("invalid_person_name", ref, full_name)
            return None
        usernames.add(username)
        self.names.setdefault(username, full_name)
        return username

    def active_manager_of(self, agent_username):
        manager = self.users.get(self.managers.get(agent_username, ""))
        return manager if manager is not None and manager.is_active else None

    def create_users(self, usernames, role):
        """Create the users missing, then give everyone in `usernames` the role."""
        group, _created = Group.objects.get_or_create(name=role.value)
        existing = {
            user.username: user for user in User.objects.filter(username__in=usernames)
        }
        members = set(
            group.user_set.filter(username__in=usernames).values_list(
                "username", flat=True
            )
        )
        new_members = []
        for username in sorted(usernames):
            user = existing.get(username)
            if user is None:
                user = self.create_user(username, self.names[username])
            elif username in members:
                continue
            else:
                self.report.add_problem("role_added", username, role.value)
            new_members.append(user)
        group.user_set.add(*new_members)

    def create_user(self, username, full_name):
        first_name, _space, last_name = full_name.partition(" ")
        user = User(
            username=username,
            first_name=_clip(first_name, "first_name", User),
            last_name=_clip(last_name.strip(), "last_name", User),
        )
        # Imported people sign in only after an administrator sets a password.
        user.set_unusable_password()
        user.save()
        self.report.users_created += 1
        return user

    def find_or_create_fallback_coordinator(self):
        """Return the first active coordinator by username, or the import user.

        A person who already has the role is preferred to a new account
        with coordinator rights that belongs to no one.
        """
        coordinator = (
            User.objects.filter(groups__name=Role.COORDINATOR.value, is_active=True)
            .order_by("username")
            .first()
        )
        if coordinator is not None:
            return coordinator
        self.names.setdefault(IMPORT_USERNAME, "Import")
        self.create_users({IMPORT_USERNAME}, Role.COORDINATOR)
        return User.objects.get(username=IMPORT_USERNAME)


def parse_amount(text):
    """Return `text` as a Decimal of 0 or more with cents, or None if invalid."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value < MAX_AMOUNT:
        return None
    return value.quantize(CENT)


def opportunity_name(resolved):
    product = resolved.product.name if resolved.product else resolved.row.product
    product = product or f"Opportunity {resolved.row.opportunity_id}"
    if resolved.account is not None:
        return f"{product} for {resolved.account.name}"
    return f"{product} (no account)"
