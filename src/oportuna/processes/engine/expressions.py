"""A restricted evaluator for the expressions and scripts inside diagrams.

SpiffWorkflow's default script engine runs `eval` and `exec` on diagram
text, so an uploaded diagram could run any code on the server. This one
evaluates expressions with simpleeval (no imports, no attribute or name
that starts with an underscore, only the functions listed below) and
accepts scripts made of `name = expression` lines only.
"""

import ast
import datetime

from simpleeval import DEFAULT_FUNCTIONS, EvalWithCompoundTypes
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

SAFE_FUNCTIONS = {
    **DEFAULT_FUNCTIONS,
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "bool": bool,
    "sum": sum,
    "today": datetime.date.today,
}
SAFE_NAMES = {"True": True, "False": False, "None": None}


class ExpressionRejected(Exception):
    """Raised for diagram text the restricted evaluator does not run."""


def check_expression(text: str) -> None:
    """Raise ExpressionRejected unless `text` is an expression we would run."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionRejected(f"invalid expression {text!r}: {error.msg}") from error
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionRejected(f"attribute {node.attr!r} is not allowed")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRejected(f"name {node.id!r} is not allowed")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in SAFE_FUNCTIONS
        ):
            raise ExpressionRejected(f"call {ast.unparse(node.func)!r} is not allowed")


def parse_script(script: str) -> list[tuple[str, str]]:
    """Split a script into (name, expression) pairs, or raise ExpressionRejected."""
    try:
        tree = ast.parse(script)
    except SyntaxError as error:
        raise ExpressionRejected(f"invalid script: {error.msg}") from error
    assignments = []
    for statement in tree.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and not statement.targets[0].id.startswith("_")
        ):
            raise ExpressionRejected(
                f"line {statement.lineno}: only “name = expression” lines are allowed"
            )
        expression = ast.unparse(statement.value)
        check_expression(expression)
        assignments.append((statement.targets[0].id, expression))
    return assignments


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def _evaluator(self, context, external_context=None):
        names = {**SAFE_NAMES, **self.globals, **(external_context or {}), **context}
        return EvalWithCompoundTypes(functions=SAFE_FUNCTIONS, names=names)

    def evaluate(self, expression, context, external_context=None):
        check_expression(expression)
        return self._evaluator(context, external_context).eval(expression.strip())

    def execute(self, script, context, external_context=None):
        for name, expression in parse_script(script):
            context[name] = self._evaluator(context, external_context).eval(expression)
        return True

    def call_service(self, context, **kwargs):
        raise ExpressionRejected("service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())
