"""Parse diagrams, and create, restore and store workflows.

A stored workflow is split in two: the task specs, kept once per diagram
version, and the instance state, kept per opportunity. The engine embeds
the specs in every serialized instance otherwise.
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .expressions import (
    ExpressionRejected,
    RestrictedScriptEngine,
    check_expression,
    parse_script,
)
from .specs import new_parser, new_serializer

SPEC_KEYS = ("spec", "subprocess_specs")

serializer = new_serializer()
script_engine = RestrictedScriptEngine()


class DiagramError(Exception):
    """Raised when a BPMN file cannot be used; `problems` lists why."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ParsedDiagram:
    process_key: str
    name: str
    sha256: str
    spec: dict
    lanes: list[str] = field(default_factory=list)


@dataclass
class UserTaskInfo:
    """The facts about one READY user task that the host mirrors."""

    task_id: str
    bpmn_id: str
    name: str
    lane: str
    form_key: str
    code: str


@dataclass
class ThrownMessage:
    name: str
    payload: dict


def parse_diagram(bpmn_xml: str, process_key: str) -> ParsedDiagram:
    """Parse, validate and lint one BPMN file; raise DiagramError if unusable."""
    parser = new_parser()
    try:
        parser.add_bpmn_str(bpmn_xml.encode("utf-8"))
        spec = parser.get_spec(process_key)
        subprocess_specs = parser.get_subprocess_specs(process_key)
    except (
        SpiffWorkflowException,
        etree.XMLSyntaxError,
        ValueError,
        KeyError,
    ) as error:
        raise DiagramError([str(error)]) from error
    problems = list(lint_specs([spec, *subprocess_specs.values()]))
    if problems:
        raise DiagramError(problems)
    try:
        # Building the workflow readies its start task, which fails for
        # diagrams the parser accepted, such as a start event with the id
        # "Start" that replaces the engine's own start task.
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    except SpiffWorkflowException as error:
        raise DiagramError([str(error)]) from error
    serialized = _split(workflow)[0]
    lanes = sorted(
        {task_spec.lane for task_spec in spec.task_specs.values() if task_spec.lane}
    )
    return ParsedDiagram(
        process_key=process_key,
        name=spec.description or process_key,
        sha256=hashlib.sha256(bpmn_xml.encode("utf-8")).hexdigest(),
        spec=serialized,
        lanes=lanes,
    )


def lint_specs(specs):
    """Yield a problem for every expression or script the evaluator rejects."""
    for process_spec in specs:
        for name, task_spec in process_spec.task_specs.items():
            for kind, text in _diagram_text(task_spec):
                try:
                    if kind == "script":
                        parse_script(text)
                    else:
                        check_expression(text)
                except ExpressionRejected as error:
                    yield f"{process_spec.name}/{name} {kind}: {error}"


def _diagram_text(task_spec):
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        if condition is not None:
            yield "condition", condition.args[0]
    for attribute in ("script", "prescript", "postscript"):
        if getattr(task_spec, attribute, None):
            yield "script", getattr(task_spec, attribute)
    definition = getattr(task_spec, "event_definition", None)
    if definition is not None and getattr(definition, "expression", None):
        yield "expression", definition.expression


def new_workflow(spec: dict) -> BpmnWorkflow:
    """Return a new workflow of a diagram's specs that has not run any step."""
    # The registry consumes the dicts it restores, and `spec` is shared.
    spec = copy.deepcopy(spec)
    subprocess_specs = {
        name: serializer.from_dict(sub)
        for name, sub in spec["subprocess_specs"].items()
    }
    workflow = BpmnWorkflow(serializer.from_dict(spec["spec"]), subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


def restore_workflow(spec: dict, state: str) -> BpmnWorkflow:
    """Rebuild a workflow from its diagram's specs and a stored instance state."""
    dct = json.loads(state)
    dct.update(spec)
    workflow = serializer.deserialize_json(json.dumps(dct))
    workflow.script_engine = script_engine
    return workflow


def dump_state(workflow: BpmnWorkflow) -> str:
    """Return the workflow's state as JSON text, without its specs."""
    return json.dumps(_split(workflow)[1])


def _split(workflow):
    dct = json.loads(serializer.serialize_json(workflow))
    spec = {key: dct.pop(key) for key in SPEC_KEYS}
    return spec, dct


def run_engine_steps(workflow: BpmnWorkflow) -> list[ThrownMessage]:
    """Run every automatic step; return the messages nothing inside caught."""
    workflow.do_engine_steps()
    messages = []
    for event in workflow.get_events():
        payload = event.payload if isinstance(event.payload, dict) else {}
        messages.append(ThrownMessage(event.event_definition.name, payload))
    return messages


def ready_user_tasks(workflow: BpmnWorkflow) -> list[UserTaskInfo]:
    tasks = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        properties = task.task_spec.extensions.get("properties", {})
        tasks.append(
            UserTaskInfo(
                task_id=str(task.id),
                bpmn_id=task.task_spec.bpmn_id,
                name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                lane=task.task_spec.lane or "",
                form_key=properties.get("form", ""),
                code=properties.get("code", ""),
            )
        )
    return tasks


def was_cancelled(workflow: BpmnWorkflow, task_id: str) -> bool:
    """Return whether the engine cancelled the task rather than completing it."""
    task = workflow.get_task_from_id(_uuid(task_id))
    return task is not None and task.state == TaskState.CANCELLED


def complete_user_task(workflow: BpmnWorkflow, task_id: str, data: dict) -> None:
    """Complete one READY user task with `data`; raise LookupError if it is not."""
    task = workflow.get_task_from_id(_uuid(task_id))
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise LookupError(f"task {task_id} is not a ready user task")
    task.set_data(**data)
    task.run()


def deliver_message(workflow: BpmnWorkflow, message_name: str, payload: dict) -> None:
    """Deliver a message to the event waiting for it; raise LookupError if none is.

    Events are matched by message name, so a diagram may rename or move the
    catching element freely.
    """
    catcher = next(
        (
            task
            for task in workflow.get_tasks(state=TaskState.WAITING)
            if _message_name(task) == message_name
        ),
        None,
    )
    if catcher is None:
        raise LookupError(f"no event waits for message {message_name!r}")
    workflow.send_event(BpmnEvent(catcher.task_spec.event_definition, payload=payload))


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """Return when the earliest waiting timer of the workflow is due, if any."""
    due = [
        datetime.fromisoformat(event.value)
        for event in workflow.waiting_events()
        if "Timer" in event.event_type and isinstance(event.value, str)
    ]
    return min(due, default=None)


def waiting_messages(workflow: BpmnWorkflow) -> set[str]:
    """Return the names of the messages some event is now waiting for."""
    return {
        name
        for task in workflow.get_tasks(state=TaskState.WAITING)
        if (name := _message_name(task))
    }


def _message_name(task):
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MessageEventDefinition):
        return definition.name
    return None


def _uuid(task_id):
    return task_id if isinstance(task_id, UUID) else UUID(str(task_id))


def set_start_data(workflow: BpmnWorkflow, **data) -> None:
    """Give the first tasks of a new workflow the data its expressions read."""
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**data)
