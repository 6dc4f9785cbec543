from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oportuna import access
from oportuna.errors import DomainError, add_to_form
from oportuna.processes.models import HumanTask
from oportuna.web.http import get_visible_opportunity, require

from .. import services
from ..forms import AssignForm
from ..selectors import owner_candidates


@login_required
def assign_owner(request, task_id):
    task = HumanTask.objects.filter(task_id=task_id, form_key="assign_owner").first()
    if task is None:
        raise Http404
    opportunity = get_visible_opportunity(request, task.opportunity_id)
    if not task.is_open:
        messages.info(request, _("This task is already completed."))
        return redirect("opportunity-detail", pk=opportunity.pk)
    require(access.can_work_on_task(request.user, task))
    salespeople, partners = owner_candidates()
    form = AssignForm(request.POST or None, salespeople=salespeople, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_owner(
                task, actor=request.user, **form.cleaned_data["owner"]
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            opportunity.refresh_from_db()
            messages.success(
                request,
                _("%(owner)s is now in charge of %(reference)s.")
                % {
                    "reference": opportunity.reference,
                    "owner": opportunity.owner_display,
                },
            )
            return redirect("inbox")
    context = {
        "task": task,
        "opportunity": opportunity,
        "products": opportunity.requested_products.select_related("product"),
        "form": form,
        "salespeople": salespeople,
        "partners": partners,
    }
    return render(request, "opportunities/assign_owner.html", context)


@login_required
@require_POST
def reassign_owner(request, pk):
    opportunity = get_visible_opportunity(request, pk)
    require(access.can_assign(request.user))
    salespeople, partners = owner_candidates()
    form = AssignForm(request.POST, salespeople=salespeople, partners=partners)
    if not form.is_valid():
        for message in form.errors.get("owner", []):
            messages.error(request, message)
        return redirect("opportunity-detail", pk=opportunity.pk)
    try:
        services.reassign_owner(
            opportunity, actor=request.user, **form.cleaned_data["owner"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        opportunity.refresh_from_db()
        messages.success(
            request,
            _("%(owner)s is now in charge of %(reference)s.")
            % {"owner": opportunity.owner_display, "reference": opportunity.reference},
        )
    return redirect("opportunity-detail", pk=opportunity.pk)
