"""Reads of the mirrored user tasks, for inboxes."""

from oportuna import access

from .models import HumanTask, TaskStatus


class InboxTasks:
    """The user's open tasks, newest first, as a sequence a Paginator takes.

    An OR of the conditions in access.task_conditions keeps SQLite from
    using an index, so each condition is counted and listed on its own
    index and the results are merged.
    """

    def __init__(self, user):
        self.parts = [
            HumanTask.objects.filter(condition, status=TaskStatus.OPEN)
            for condition in access.task_conditions(user)
        ]

    def count(self):
        return sum(part.count() for part in self.parts)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if not self.parts or (stop is not None and stop <= start):
            return []
        # Each part contributes at most `stop` newest rows; the merged
        # newest `stop` rows are then cut to the page.
        keys = []
        for part in self.parts:
            rows = part.order_by("-created_at", "-id").values_list("created_at", "id")
            keys.extend(rows[:stop] if stop is not None else rows)
        keys.sort(reverse=True)
        ids = [task_id for _created, task_id in keys[start:stop]]
        tasks = HumanTask.objects.filter(pk__in=ids).select_related(
            "opportunity", "opportunity__account", "assignee", "partner"
        )
        by_id = {task.pk: task for task in tasks}
        return [by_id[task_id] for task_id in ids]


def open_task_count(user):
    return InboxTasks(user).count()
