import logging
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from oportuna import access
from oportuna.accounts.services import get_or_create_account, get_or_create_contacts
from oportuna.catalog.models import Product
from oportuna.errors import DomainError
from oportuna.processes import services as processes

from ..models import EventKind, Opportunity, PhaseChange, RequestedProduct
from ..phases import Phase
from .audit import record_event
from .documents import store_document

logger = logging.getLogger(__name__)

# Plain fields of the record that registration copies as given.
RECORD_FIELDS = (
    "name",
    "source",
    "importance",
    "size",
    "purchase_window",
    "probability",
    "description",
    "line_of_business",
    "website",
    "other_data",
    "budget",
    "currency",
)


def register_opportunity(
    *,
    registered_by,
    record,
    account=None,
    account_name="",
    account_fields=None,
    departments=(),
    products=(),
    contact_names=(),
    documents=(),
):
    """Register an opportunity and start its intake process.

    `record` maps the names in RECORD_FIELDS to values. The account is
    `account` if given; otherwise the existing account that matches
    `account_name`, or a new prospect with `account_fields`. `products` is a
    list of (product, quantity) pairs and `documents` a list of uploaded
    files.
    """
    if not access.can_register(registered_by):
        raise DomainError("not_allowed")
    if account is None and not account_name.strip():
        raise DomainError("account_required", field="account_name")
    now = timezone.now()
    stored_files = []
    try:
        with transaction.atomic():
            if account is None:
                account, _created = get_or_create_account(
                    account_name, **(account_fields or {})
                )
            opportunity = _create_opportunity(record, account, registered_by, now)
            opportunity.departments.set(departments)
            opportunity.contacts.set(get_or_create_contacts(account, contact_names))
            RequestedProduct.objects.bulk_create(
                RequestedProduct(
                    opportunity=opportunity, product=product, quantity=quantity
                )
                for product, quantity in _merge_products(products)
            )
            for upload in documents:
                document = store_document(
                    opportunity, upload, uploaded_by=registered_by
                )
                stored_files.append(document.file.name)
            PhaseChange.objects.create(
                opportunity=opportunity,
                to_phase=Phase.LATENT,
                changed_by=registered_by,
                changed_at=now,
            )
            record_event(opportunity, EventKind.REGISTERED, actor=registered_by, at=now)
            processes.start_process(opportunity, actor=registered_by)
    except BaseException:
        # The rows are rolled back; the files they pointed to must go too.
        for name in stored_files:
            default_storage.delete(name)
        raise
    logger.info("Registered opportunity", extra={"opportunity_id": opportunity.pk})
    return opportunity


def _create_opportunity(record, account, registered_by, now):
    opportunity = Opportunity(
        account=account,
        registered_by=registered_by,
        registered_at=now,
        phase=Phase.LATENT,
        **{name: value for name, value in record.items() if name in RECORD_FIELDS},
    )
    # The record's web and line of business default to the account's.
    opportunity.line_of_business = (
        opportunity.line_of_business or account.line_of_business
    )
    opportunity.website = opportunity.website or account.website
    opportunity.full_clean(exclude=["account"])
    opportunity.save()
    return opportunity


def _merge_products(products):
    """Add up the quantities of a product requested on several lines."""
    merged: dict[Product, Decimal] = {}
    for product, quantity in products:
        merged[product] = merged.get(product, 0) + quantity
    return merged.items()
