from oportuna import access
from oportuna.processes.selectors import open_task_count


def navigation(request):
    """Tell the base template which menu entries the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "register": access.can_register(user),
            "my_observatory": access.can_see_own_observatory(user),
            "team_observatory": access.can_see_team_observatory(user),
            "admin": user.is_staff,
            "task_count": open_task_count(user),
        }
    }
