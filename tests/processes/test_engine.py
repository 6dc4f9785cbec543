"""The engine layer on its own: restricted expressions, diagram checks, runs.

Every run stores and restores the workflow between steps, as the product
does between requests, so a step that only works in memory fails here.
"""

import json
from pathlib import Path

import pytest

from oportuna.processes.engine import workflows
from oportuna.processes.engine.expressions import (
    ExpressionRejected,
    RestrictedEnvironment,
    RestrictedScriptEngine,
    check_expression,
    parse_script,
)
from oportuna.processes.engine.workflows import DiagramError, ThrownMessage
from oportuna.processes.services import INTAKE_PROCESS, SHIPPED_DIAGRAMS

DIAGRAMS = Path(__file__).parent / "diagrams"
OPPORTUNITY_ID = 7
PUBLISH = "publicar_observatorio"


def read_diagram(name):
    return (DIAGRAMS / f"{name}.bpmn").read_text(encoding="utf-8")


def shipped_diagram():
    return SHIPPED_DIAGRAMS[INTAKE_PROCESS].read_text(encoding="utf-8")


def store_and_restore(spec, workflow):
    """Serialize the workflow's state to JSON text and build it again."""
    state = json.loads(json.dumps(workflows.dump_state(workflow)))
    return workflows.restore_workflow(spec, state)


def only_ready_task(workflow):
    tasks = workflows.ready_user_tasks(workflow)
    assert len(tasks) == 1
    return tasks[0]


@pytest.fixture(scope="module")
def intake_spec():
    return workflows.parse_diagram(shipped_diagram(), INTAKE_PROCESS).spec


@pytest.fixture
def follow_up_workflow(intake_spec):
    """A restored intake workflow whose owner was assigned: follow-up is READY."""
    workflow = workflows.new_workflow(intake_spec)
    workflows.set_start_data(workflow, opportunity_id=OPPORTUNITY_ID)
    workflows.run_engine_steps(workflow)
    workflow = store_and_restore(intake_spec, workflow)
    assign_task = only_ready_task(workflow)
    workflows.complete_user_task(workflow, assign_task.task_id, {})
    workflows.run_engine_steps(workflow)
    return store_and_restore(intake_spec, workflow)


# The restricted evaluator


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "call '__import__' is not allowed"),
        ("().__class__", "attribute '__class__' is not allowed"),
        ("won.__class__.__base__", "attribute '__base__' is not allowed"),
        ("_secret", "name '_secret' is not allowed"),
        ("open('secret.txt')", "call 'open' is not allowed"),
        ("eval('1 + 1')", "call 'eval' is not allowed"),
        ("getattr(won, 'real')", "call 'getattr' is not allowed"),
        ("name.upper()", "call 'name.upper' is not allowed"),
        ("won ==", "invalid expression 'won ==': invalid syntax"),
    ],
)
def test_check_expression_rejects(expression, message):
    with pytest.raises(ExpressionRejected) as caught:
        check_expression(expression)

    assert str(caught.value) == message


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "from os import system",
        "while True: pass",
        "def run(): pass",
        "won.flag = True",
        "items[0] = 1",
        "a = b = 1",
        "_hidden = 1",
        "count += 1",
        "won = True\nimport os",
    ],
)
def test_parse_script_rejects_non_assignment_lines(script):
    last_line = len(script.splitlines())

    with pytest.raises(ExpressionRejected) as caught:
        parse_script(script)

    assert (
        str(caught.value)
        == f"line {last_line}: only “name = expression” lines are allowed"
    )


def test_parse_script_checks_assigned_expression():
    with pytest.raises(ExpressionRejected) as caught:
        parse_script("content = open('secret.txt')")

    assert str(caught.value) == "call 'open' is not allowed"


def test_parse_script_splits_assignments():
    assignments = parse_script("won = True\nlabel = 'PT' + str(total)")

    assert assignments == [("won", "True"), ("label", "'PT' + str(total)")]


@pytest.mark.parametrize(
    ("expression", "context", "expected"),
    [
        ("won == True", {"won": True}, True),
        ("won == True", {"won": False}, False),
        ('"PT1S"', {}, "PT1S"),
        ("len(name) > 2", {"name": "ACME"}, True),
        ("len(name) > 2", {"name": "AB"}, False),
        (
            "amount > 500 and name in ['ACME', 'Globex']",
            {"amount": 900, "name": "ACME"},
            True,
        ),
    ],
)
def test_evaluate_allows_plain_expressions(expression, context, expected):
    environment = RestrictedEnvironment()

    result = environment.evaluate(expression, context)

    assert result == expected


def test_evaluate_rejects_what_check_rejects():
    environment = RestrictedEnvironment()

    with pytest.raises(ExpressionRejected):
        environment.evaluate("__import__('os').getcwd()", {})


def test_execute_assigns_each_line_into_context():
    environment = RestrictedEnvironment()
    context = {"amount": 40}

    environment.execute("doubled = amount * 2\nlarge = doubled > 50", context)

    assert context == {"amount": 40, "doubled": 80, "large": True}


def test_execute_rejects_import_before_running_anything():
    environment = RestrictedEnvironment()
    context = {}

    with pytest.raises(ExpressionRejected):
        environment.execute("done = True\nimport os", context)

    assert context == {}


def test_restored_workflow_uses_restricted_engine(follow_up_workflow):
    assert isinstance(follow_up_workflow.script_engine, RestrictedScriptEngine)


# Checking diagrams before they are stored


def test_parse_diagram_rejects_script_that_imports():
    with pytest.raises(DiagramError) as caught:
        workflows.parse_diagram(read_diagram("script_imports_os"), "script_imports_os")

    assert caught.value.problems == [
        "script_imports_os/Script_ImportOs script: "
        "line 1: only “name = expression” lines are allowed"
    ]


def test_parse_diagram_rejects_condition_that_calls_open():
    with pytest.raises(DiagramError) as caught:
        workflows.parse_diagram(
            read_diagram("condition_calls_open"), "condition_calls_open"
        )

    assert caught.value.problems == [
        "condition_calls_open/Gateway_Secret condition: call 'open' is not allowed"
    ]


def test_parse_diagram_rejects_schema_violation():
    with pytest.raises(DiagramError) as caught:
        workflows.parse_diagram(read_diagram("not_bpmn_schema"), "not_bpmn_schema")

    assert len(caught.value.problems) == 1
    assert "deadline': This element is not expected" in caught.value.problems[0]


def test_parse_diagram_rejects_start_event_with_engine_name():
    with pytest.raises(DiagramError) as caught:
        workflows.parse_diagram(
            read_diagram("start_event_id_start"), "start_event_id_start"
        )

    assert caught.value.problems == ["No output task connected.. "]


def test_parse_diagram_rejects_unknown_process_key():
    with pytest.raises(DiagramError):
        workflows.parse_diagram(shipped_diagram(), "observatorios")


def test_parse_diagram_rejects_text_that_is_not_xml():
    with pytest.raises(DiagramError) as caught:
        workflows.parse_diagram("this is not a diagram", INTAKE_PROCESS)

    assert caught.value.problems == [
        "Start tag expected, '<' not found, line 1, column 1 (<string>, line 1)"
    ]


def test_parse_diagram_does_not_read_external_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("confidential-content", encoding="utf-8")
    doctype = f'<!DOCTYPE definitions [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
    xml = shipped_diagram().replace("?>", "?>\n" + doctype, 1)
    xml = xml.replace(
        'name="Ingreso y Control de Oportunidades" isExecutable',
        'name="&leak;" isExecutable',
    )

    with pytest.raises(DiagramError) as caught:
        workflows.parse_diagram(xml, INTAKE_PROCESS)

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("Entity 'leak' not defined")
    assert "confidential-content" not in caught.value.problems[0]


def test_shipped_diagram_parses_with_three_lanes():
    parsed = workflows.parse_diagram(shipped_diagram(), INTAKE_PROCESS)

    assert parsed.process_key == INTAKE_PROCESS
    assert parsed.name == "Ingreso y Control de Oportunidades"
    assert parsed.lanes == ["Coordinador OVs", "Ingresos y Desvíos", "Responsable OV"]
    assert set(parsed.spec) == {"spec", "subprocess_specs"}
    assert set(parsed.spec["subprocess_specs"]) == {"SP_92"}


def test_shipped_diagram_hash_follows_content():
    xml = shipped_diagram()

    first = workflows.parse_diagram(xml, INTAKE_PROCESS)
    again = workflows.parse_diagram(xml, INTAKE_PROCESS)
    renamed = workflows.parse_diagram(
        xml.replace("Asignar Responsable de OV", "Asignar responsable"), INTAKE_PROCESS
    )

    assert first.sha256 == again.sha256
    assert first.sha256 != renamed.sha256


# Running the shipped diagram


def test_intake_waits_first_for_assign_owner(intake_spec):
    workflow = workflows.new_workflow(intake_spec)
    workflows.set_start_data(workflow, opportunity_id=OPPORTUNITY_ID)

    thrown = workflows.run_engine_steps(workflow)
    workflow = store_and_restore(intake_spec, workflow)

    task = only_ready_task(workflow)
    assert thrown == []
    assert task.bpmn_id == "TP_69"
    assert task.lane == "Coordinador OVs"
    assert task.form_key == "assign_owner"
    assert task.code == "TP.69"
    assert workflows.waiting_messages(workflow) == set()


def test_assign_owner_leads_to_follow_up(follow_up_workflow):
    task = only_ready_task(follow_up_workflow)

    assert task.bpmn_id == "TP_77"
    assert task.lane == "Responsable OV"
    assert task.form_key == "follow_up"
    assert task.code == "TP.77"
    assert workflows.waiting_messages(follow_up_workflow) == {PUBLISH}


def test_publish_rearms_boundary_event_each_time(intake_spec, follow_up_workflow):
    workflow = follow_up_workflow
    follow_up = only_ready_task(workflow)
    presses = []

    for _press in range(3):
        workflows.deliver_message(workflow, PUBLISH, {})
        thrown = workflows.run_engine_steps(workflow)
        workflow = store_and_restore(intake_spec, workflow)
        presses.append(
            (thrown, only_ready_task(workflow), workflows.waiting_messages(workflow))
        )

    publication = ThrownMessage(
        "observatorio_publicacion", {"opportunity_id": OPPORTUNITY_ID}
    )
    for thrown, task, waiting in presses:
        assert thrown == [publication]
        assert task.task_id == follow_up.task_id
        assert waiting == {PUBLISH}
    assert not workflow.completed


def test_close_won_throws_order_message(intake_spec, follow_up_workflow):
    workflow = follow_up_workflow
    workflows.deliver_message(workflow, PUBLISH, {})
    workflows.run_engine_steps(workflow)
    workflow = store_and_restore(intake_spec, workflow)
    follow_up = only_ready_task(workflow)

    workflows.complete_user_task(workflow, follow_up.task_id, {"won": True})
    thrown = workflows.run_engine_steps(workflow)
    workflow = store_and_restore(intake_spec, workflow)

    assert thrown == [
        ThrownMessage("pedido_a_suministro", {"opportunity_id": OPPORTUNITY_ID})
    ]
    assert workflow.completed
    assert workflows.ready_user_tasks(workflow) == []
    assert workflows.waiting_messages(workflow) == set()


def test_close_lost_throws_no_message(intake_spec, follow_up_workflow):
    follow_up = only_ready_task(follow_up_workflow)

    workflows.complete_user_task(follow_up_workflow, follow_up.task_id, {"won": False})
    thrown = workflows.run_engine_steps(follow_up_workflow)
    workflow = store_and_restore(intake_spec, follow_up_workflow)

    assert thrown == []
    assert workflow.completed
    assert workflows.waiting_messages(workflow) == set()


def test_publish_after_completion_raises_lookup_error(intake_spec, follow_up_workflow):
    follow_up = only_ready_task(follow_up_workflow)
    workflows.complete_user_task(follow_up_workflow, follow_up.task_id, {"won": False})
    workflows.run_engine_steps(follow_up_workflow)
    workflow = store_and_restore(intake_spec, follow_up_workflow)

    with pytest.raises(LookupError):
        workflows.deliver_message(workflow, PUBLISH, {})


def test_complete_user_task_rejects_finished_task(intake_spec):
    workflow = workflows.new_workflow(intake_spec)
    workflows.set_start_data(workflow, opportunity_id=OPPORTUNITY_ID)
    workflows.run_engine_steps(workflow)
    assign_task = only_ready_task(workflow)
    workflows.complete_user_task(workflow, assign_task.task_id, {})
    workflows.run_engine_steps(workflow)
    workflow = store_and_restore(intake_spec, workflow)

    with pytest.raises(LookupError):
        workflows.complete_user_task(workflow, assign_task.task_id, {})
