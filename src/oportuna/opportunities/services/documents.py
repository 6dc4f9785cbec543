import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from oportuna import access
from oportuna.errors import DomainError

from ..models import Document, EventKind
from .audit import record_event

ALLOWED_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".csv",
    ".txt", ".png", ".jpg", ".jpeg", ".ppt", ".pptx", ".odp", ".zip",
}  # fmt: skip


def validate_upload(upload):
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s” is not an accepted document type. Accepted types: %(types)s."
            ),
            code="invalid_extension",
            params={
                "name": upload.name,
                "types": ", ".join(sorted(ALLOWED_EXTENSIONS)),
            },
        )
    limit = settings.OPORTUNA_MAX_DOCUMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB. Attach a smaller file."),
            code="file_too_large",
            params={"name": upload.name, "limit": limit // (1024 * 1024)},
        )


def store_document(opportunity, upload, *, uploaded_by, title=""):
    """Save one upload already checked by validate_upload, and audit it."""
    document = Document(
        opportunity=opportunity, title=title or upload.name, uploaded_by=uploaded_by
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    record_event(
        opportunity, EventKind.DOCUMENT_ADDED, actor=uploaded_by, detail=document.title
    )
    return document


def attach_document(opportunity, upload, *, actor, title=""):
    if not (access.can_follow_up(actor, opportunity) or access.can_assign(actor)):
        raise DomainError("not_allowed")
    validate_upload(upload)
    with transaction.atomic():
        return store_document(opportunity, upload, uploaded_by=actor, title=title)
