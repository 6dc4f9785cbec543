"""The owner's follow-up task: actions in place, phase, publish, close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oportuna import access
from oportuna.errors import DomainError, add_to_form
from oportuna.processes.models import HumanTask, TaskStatus
from oportuna.web.http import get_visible_opportunity, require

from .. import services
from ..forms import ActionForm, LostForm, PhaseForm, WonForm
from ..models import FollowUpAction
from ..services.publishing import can_publish


@login_required
def follow_up(request, task_id):
    task = HumanTask.objects.filter(task_id=task_id, form_key="follow_up").first()
    if task is None:
        raise Http404
    opportunity = get_visible_opportunity(request, task.opportunity_id)
    if not task.is_open or not access.can_work_on_task(request.user, task):
        return redirect("opportunity-detail", pk=opportunity.pk)
    return render(
        request,
        "opportunities/follow_up.html",
        {
            "task": task,
            "opportunity": opportunity,
            "products": opportunity.requested_products.select_related("product"),
            **_sidebar_context(opportunity),
            **_actions_context(opportunity),
        },
    )


def _sidebar_context(opportunity):
    return {
        "phase_form": PhaseForm(initial={"phase": opportunity.phase}),
        "won_form": WonForm(),
        "lost_form": LostForm(),
        "can_publish": can_publish(opportunity),
        "last_publication": opportunity.publications.first(),
    }


def _actions_context(opportunity, *, form=None, editing=None):
    return {
        "opportunity": opportunity,
        "actions": opportunity.actions.select_related("action_type", "performed_by"),
        "action_form": form,
        "editing": editing,
    }


def _owned_open_opportunity(request, pk):
    opportunity = get_visible_opportunity(request, pk)
    require(access.can_follow_up(request.user, opportunity))
    return opportunity


def _render_actions(request, opportunity, *, saved=False, **kwargs):
    context = _actions_context(opportunity, **kwargs)
    if saved:
        # A saved action may have moved the phase, so the record and the
        # task's side cards are swapped too, out of band.
        context["refresh_record"] = True
        context["products"] = opportunity.requested_products.select_related("product")
        context.update(_sidebar_context(opportunity))
    return render(request, "opportunities/partials/actions.html", context)


def _back_to_task(opportunity):
    task = HumanTask.objects.filter(
        opportunity=opportunity, form_key="follow_up", status=TaskStatus.OPEN
    ).first()
    if task is None:
        return redirect("opportunity-detail", pk=opportunity.pk)
    return redirect("follow-up", task_id=task.task_id)


@login_required
def action_new(request, pk):
    opportunity = _owned_open_opportunity(request, pk)
    form = ActionForm(request.POST or None)
    return _save_action(request, opportunity, form, services.add_action, opportunity)


@login_required
def action_edit(request, pk, action_pk):
    opportunity = _owned_open_opportunity(request, pk)
    action = get_object_or_404(FollowUpAction, pk=action_pk, opportunity=opportunity)
    form = ActionForm(request.POST or None, instance=action)
    return _save_action(
        request, opportunity, form, services.update_action, action, editing=action
    )


def _save_action(request, opportunity, form, service, target, *, editing=None):
    """Run `service` on a valid posted form; show the form again otherwise."""
    if request.method == "POST" and form.is_valid():
        try:
            service(target, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            opportunity.refresh_from_db()
            if not request.htmx:
                return _back_to_task(opportunity)
            return _render_actions(request, opportunity, saved=True)
    return _render_actions(request, opportunity, form=form, editing=editing)


@login_required
def actions_list(request, pk):
    # The owner's editable list, so only the owner may fetch it.
    opportunity = _owned_open_opportunity(request, pk)
    return _render_actions(request, opportunity)


@login_required
@require_POST
def set_phase(request, pk):
    opportunity = _owned_open_opportunity(request, pk)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.change_phase(
                opportunity, actor=request.user, phase=form.cleaned_data["phase"]
            )
            messages.success(request, _("Phase changed."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose one of the phases in the list."))
    return _back_to_task(opportunity)


@login_required
@require_POST
def publish(request, pk):
    opportunity = _owned_open_opportunity(request, pk)
    try:
        services.publish_to_observatory(opportunity, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The actions of %(reference)s were published to the observatory.")
            % {"reference": opportunity.reference},
        )
    return _back_to_task(opportunity)


@login_required
@require_POST
def close_won(request, pk):
    opportunity = _owned_open_opportunity(request, pk)
    form = WonForm(request.POST)
    if form.is_valid():
        try:
            order = services.close_won(
                opportunity, actor=request.user, amount=form.cleaned_data["amount"]
            )
        except DomainError as error:
            messages.error(request, error.message)
            return _back_to_task(opportunity)
        messages.success(
            request,
            _(
                "Offer accepted: order %(order)s was created and waits to be handed to fulfilment."
            )
            % {"order": order.reference},
        )
        return redirect("opportunity-detail", pk=opportunity.pk)
    for message in form.errors.get("amount", []):
        messages.error(request, message)
    return _back_to_task(opportunity)


@login_required
@require_POST
def close_lost(request, pk):
    opportunity = _owned_open_opportunity(request, pk)
    form = LostForm(request.POST)
    if form.is_valid():
        try:
            services.close_lost(
                opportunity,
                actor=request.user,
                lost_reason=form.cleaned_data["lost_reason"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return _back_to_task(opportunity)
        messages.success(request, _("The opportunity was closed as lost."))
        return redirect("opportunity-detail", pk=opportunity.pk)
    messages.error(request, _("Choose why the opportunity was lost."))
    return _back_to_task(opportunity)
