"""Reads of the mirrored user tasks, for inboxes."""

from collections.abc import Sequence
from datetime import datetime
from typing import overload

from oportuna import access

from .models import HumanTask, TaskStatus


class InboxTasks(Sequence[HumanTask]):
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

    def __len__(self) -> int:
        return sum(part.count() for part in self.parts)

    @overload
    def __getitem__(self, index: int) -> HumanTask: ...

    @overload
    def __getitem__(self, index: slice) -> list[HumanTask]: ...

    def __getitem__(self, index: int | slice) -> HumanTask | list[HumanTask]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if not self.parts or (stop is not None and stop <= start):
            return []
        # Each part contributes at most `stop` newest rows; the merged
        # newest `stop` rows are then cut to the page.
        keys: list[tuple[datetime, int]] = []
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
    return len(InboxTasks(user))
