from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from oportuna import access

from .models import HumanTask
from .selectors import InboxTasks

# form key of a user task -> name of the URL of its screen.
TASK_SCREENS = {
    "assign_owner": "assign-owner",
    "follow_up": "follow-up",
}


@login_required
def inbox(request):
    page = Paginator(InboxTasks(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "processes/inbox.html", {"page": page})


@login_required
def task_detail(request, task_id):
    task = (
        HumanTask.objects.select_related("opportunity").filter(task_id=task_id).first()
    )
    if task is None or not access.can_view_opportunity(request.user, task.opportunity):
        raise Http404
    screen = TASK_SCREENS.get(task.form_key)
    if screen is None:
        raise Http404
    return redirect(screen, task_id=task.task_id)
