from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oportuna.users.models import PartnerFirm


class DiagramVersion(models.Model):
    """One version of a BPMN process, stored once and never overwritten.

    `spec` holds the engine's serialized task specs, so running instances
    keep the diagram they started on while new instances use the newest
    active version.
    """

    process_key = models.CharField(_("process id"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(max_length=64)
    bpmn_xml = models.TextField()
    spec = models.JSONField()
    # Lane name -> role code; the special code "owner" means the
    # opportunity's owner (a salesperson or a partner firm's staff).
    lane_roles = models.JSONField(default=dict)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process_key", "-version"]
        verbose_name = _("process diagram version")
        verbose_name_plural = _("process diagram versions")
        constraints = [
            models.UniqueConstraint(
                fields=["process_key", "version"], name="diagram_version_unique"
            ),
            models.UniqueConstraint(
                fields=["process_key", "sha256"], name="diagram_content_unique"
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")


class ProcessInstance(models.Model):
    diagram = models.ForeignKey(DiagramVersion, on_delete=models.PROTECT)
    opportunity = models.OneToOneField(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="process"
    )
    # The engine's serialized workflow without its spec (see DiagramVersion),
    # as JSON text: the engine restores tasks in the order they were
    # written, which PostgreSQL's jsonb would not keep.
    state = models.TextField()
    status = models.CharField(
        max_length=16, choices=InstanceStatus.choices, default=InstanceStatus.RUNNING
    )
    # Earliest time a timer of this instance is due, for a periodic job.
    next_timer_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Incremented on every save; a save that finds another value lost a race.
    revision = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")

    def __str__(self):
        return f"{self.diagram} · {self.opportunity_id}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class HumanTask(models.Model):
    """Mirror of one user task of a process instance, for inboxes.

    Rebuilt from the engine after every step, so an inbox reads this
    indexed table and never deserializes a workflow.
    """

    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="tasks"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="tasks"
    )
    task_id = models.UUIDField(unique=True)
    bpmn_id = models.CharField(max_length=100)
    name = models.CharField(_("task"), max_length=200)
    form_key = models.CharField(max_length=64)
    code = models.CharField(_("code"), max_length=32, blank=True)
    lane = models.CharField(_("lane"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=32)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    partner = models.ForeignKey(
        PartnerFirm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    status = models.CharField(
        max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"))
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completed_tasks",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["status", "role", "created_at"], name="task_role_open"
            ),
            models.Index(
                fields=["status", "assignee", "created_at"], name="task_assignee_open"
            ),
            models.Index(
                fields=["status", "partner", "created_at"], name="task_partner_open"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.status == TaskStatus.OPEN


class OutboxMessage(models.Model):
    """A message an instance threw that no task of its own catches.

    Written in the same transaction as the instance save; handlers in
    `oportuna.processes.messages` consume it.
    """

    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="outbox"
    )
    name = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["handled_at", "created_at"], name="outbox_pending")
        ]

    def __str__(self):
        return self.name
