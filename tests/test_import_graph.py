"""The project's modules import each other one way: no cycles, and apps depend downwards.

Only module-level imports count (read with ast): an import inside a function runs when the
function does, after every module has loaded, so it cannot make a cycle at import time.
Imports under `if TYPE_CHECKING:` never run and do not count either.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "accounts",
    "analytics",
    "strategy",
    "connections",
    "notifications",
    "reports",
    "api",
    "lib",
    "config",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


MODULES = project_modules()


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level_imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that run when the module loads (not in functions or classes)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If):
            if not is_type_checking(node):
                found += top_level_imports(node.body) + top_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                found += top_level_imports(block)
            for handler in node.handlers:
                found += top_level_imports(handler.body)
        elif isinstance(node, ast.With):
            found += top_level_imports(node.body)
    return found


def imported_modules(name: str, path: Path, *, anywhere: bool = False) -> set[str]:
    """The project modules `name` imports at module level (or `anywhere`, functions too)."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    tree = ast.parse(path.read_text(), str(path))
    if anywhere:
        statements = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    else:
        statements = top_level_imports(tree.body)
    for node in statements:
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            names: list[str] = []
        else:
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            bases = [base]
            names = [f"{base}.{alias.name}" for alias in node.names]
        for candidate in bases + names:
            if candidate in MODULES and candidate != name:
                targets.add(candidate)
    return targets


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}
# Every import, also those inside functions: the apps' direction holds there too.
ALL_IMPORTS = {name: imported_modules(name, path, anywhere=True) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` as a list of modules (first repeated at the end), or []."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        colour[node] = GREY
        stack.append(node)
        for target in sorted(graph[node]):
            if colour[target] == GREY:
                return [*stack[stack.index(target) :], target]
            if colour[target] == WHITE:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        colour[node] = BLACK
        return []

    for node in sorted(graph):
        if colour[node] == WHITE:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_it_imports_every_module(name) -> None:
    importlib.import_module(name)


def test_it_finds_a_cycle_when_there_is_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_it_reads_module_level_imports_only() -> None:
    assert "accounts.models" in GRAPH["analytics.models.metrics"]
    # The service that queues the tasks imports them at the top ...
    assert "analytics.tasks" in GRAPH["analytics.services.scorecard_queue"]
    # ... and the tasks import the service inside their functions, which does not count.
    assert "analytics.services.scorecard_runs" not in GRAPH["analytics.tasks"]


def test_it_keeps_tasks_importing_services_lazily() -> None:
    """HackSoft's convention: services import tasks at the top, tasks import services late."""
    eager = {
        name: sorted(target for target in targets if ".services" in target)
        for name, targets in GRAPH.items()
        if name.endswith(".tasks")
    }
    assert {name: targets for name, targets in eager.items() if targets} == {}


def test_it_has_no_import_cycle() -> None:
    assert find_cycle(GRAPH) == []


def app_imports(app: str) -> set[str]:
    return {
        target.split(".")[0]
        for name, targets in ALL_IMPORTS.items()
        if name.split(".")[0] == app
        for target in targets
    }


def test_it_keeps_accounts_free_of_the_apps_above_it() -> None:
    assert not app_imports("accounts") & {"strategy", "analytics", "connections"}


def test_it_keeps_strategy_free_of_analytics_and_connections() -> None:
    assert not app_imports("strategy") & {"analytics", "connections"}


def test_it_keeps_the_apps_below_free_of_notifications() -> None:
    """Notifications reads every app; none of them reads it (analytics signals it instead)."""
    for app in ("accounts", "analytics", "strategy", "connections"):
        assert "notifications" not in app_imports(app), app


def test_it_keeps_the_apps_below_reports_free_of_it() -> None:
    for app in ("accounts", "analytics", "strategy", "connections", "lib"):
        assert "reports" not in app_imports(app), app
