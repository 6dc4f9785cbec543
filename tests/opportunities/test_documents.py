"""Attached documents: accepted types and sizes, and who may download them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oportuna.catalog.models import (
    Importance,
    Probability,
    PurchaseWindow,
    Size,
    Source,
)
from oportuna.errors import DomainError
from oportuna.opportunities import services
from oportuna.opportunities.models import Document, EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="oferta.pdf", size=100):
    return SimpleUploadedFile(
        name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf"
    )


def test_owner_attaches_document(owned_opportunity, salesperson):
    document = services.attach_document(
        owned_opportunity, pdf(), actor=salesperson, title="Oferta v1"
    )

    assert document.title == "Oferta v1"
    assert document.file.read().startswith(b"%PDF")
    assert owned_opportunity.events.filter(
        kind=EventKind.DOCUMENT_ADDED, detail="Oferta v1"
    ).exists()


def test_document_type_refused(owned_opportunity, salesperson, english):
    with pytest.raises(ValidationError) as caught:
        services.attach_document(
            owned_opportunity,
            SimpleUploadedFile("page.html", b"<script>"),
            actor=salesperson,
        )

    message = caught.value.messages[0]
    assert message.startswith("“page.html” is not an accepted document type.")
    assert ".pdf" in message
    assert Document.objects.count() == 0


def test_document_too_large_refused(owned_opportunity, salesperson, settings, english):
    settings.OPORTUNA_MAX_DOCUMENT_BYTES = 1024 * 1024

    with pytest.raises(ValidationError) as caught:
        services.attach_document(
            owned_opportunity, pdf(size=1024 * 1024), actor=salesperson
        )

    assert caught.value.messages == [
        "“oferta.pdf” is larger than 1 MB. Attach a smaller file."
    ]
    assert Document.objects.count() == 0


def test_other_salesperson_cannot_attach(owned_opportunity, other_salesperson):
    with pytest.raises(DomainError) as caught:
        services.attach_document(owned_opportunity, pdf(), actor=other_salesperson)

    assert caught.value.code == "not_allowed"
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("salesperson", 200),
        ("coordinator", 200),
        ("other_salesperson", 404),
        ("partner_a_user", 404),
    ],
)
def test_document_download_access(
    client, request, owned_opportunity, salesperson, persona, status
):
    document = services.attach_document(owned_opportunity, pdf(), actor=salesperson)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(
        reverse("opportunity-document", args=[owned_opportunity.pk, document.pk])
    )

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")


def test_registration_form_stores_documents(client, registrar):

    client.force_login(registrar)
    data = {
        "name": "Con documentos",
        "account_name": "Documentos S.L.",
        "source": Source.objects.get(code="web_form").pk,
        "importance": Importance.objects.get(code="normal").pk,
        "size": Size.objects.get(code="small").pk,
        "purchase_window": PurchaseWindow.objects.get(code="urgent").pk,
        "probability": Probability.objects.get(code="good").pk,
        "currency": "eur",
        "products-TOTAL_FORMS": "0",
        "products-INITIAL_FORMS": "0",
        "documents": [pdf("pliego.pdf"), pdf("anexo.pdf")],
    }

    response = client.post(reverse("opportunity-register"), data)

    assert response.status_code == 302
    titles = sorted(Document.objects.values_list("title", flat=True))
    assert titles == ["anexo.pdf", "pliego.pdf"]
    assert Document.objects.first().opportunity.currency == "EUR"
