from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oportuna import access
from oportuna.errors import DomainError
from oportuna.processes.models import TaskStatus
from oportuna.web.http import get_visible_opportunity, require

from .. import services
from ..forms import DocumentForm
from ..selectors import owner_candidates


@login_required
def opportunity_detail(request, pk):
    opportunity = get_visible_opportunity(request, pk)
    context = {
        "opportunity": opportunity,
        "actions": opportunity.actions.select_related("action_type", "performed_by"),
        "products": opportunity.requested_products.select_related("product"),
        "documents": opportunity.documents.all(),
        "phase_changes": opportunity.phase_changes.select_related("changed_by"),
        "events": opportunity.events.select_related("actor"),
        "tasks": opportunity.tasks.select_related(
            "assignee", "partner", "completed_by"
        ).order_by("created_at", "id"),
        "order": getattr(opportunity, "order", None),
        "can_follow_up": access.can_follow_up(request.user, opportunity),
        "document_form": DocumentForm(),
        "open_task": _workable_task(request.user, opportunity),
    }
    if (
        access.can_assign(request.user)
        and opportunity.owner_display
        and not opportunity.is_closed
    ):
        context["salespeople"], context["partners"] = owner_candidates()
    return render(request, "opportunities/detail.html", context)


def _workable_task(user, opportunity):
    """Return the open task of the opportunity that this user may work on."""
    for task in opportunity.tasks.filter(status=TaskStatus.OPEN):
        if access.can_work_on_task(user, task):
            return task
    return None


@login_required
@require_POST
def upload_document(request, pk):
    opportunity = get_visible_opportunity(request, pk)
    require(
        access.can_follow_up(request.user, opportunity)
        or access.can_assign(request.user)
    )
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_document(
                opportunity,
                form.cleaned_data["file"],
                actor=request.user,
                title=form.cleaned_data["title"],
            )
            messages.success(request, _("Document attached."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("opportunity-detail", pk=opportunity.pk)


@login_required
def download_document(request, pk, document_pk):
    """Serve an attached document to those who may see its opportunity only."""
    opportunity = get_visible_opportunity(request, pk)
    document = get_object_or_404(opportunity.documents, pk=document_pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
    )
