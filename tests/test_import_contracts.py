"""The two things import-linter's contracts (pyproject.toml) cannot see for themselves.

`lint-imports` (in `make lint`) checks the layers, lib and cycles; it sees only the root
packages it is given, and it cannot tell an import inside a function from one at the top.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def contract(contract_id: str) -> dict:
    return next(c for c in CONFIG["contracts"] if c["id"] == contract_id)


def module_level_imports(path: Path) -> set[str]:
    """Modules (and `module.name`s) a file imports when it loads: not inside functions."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                found.add(child.module)
                found.update(f"{child.module}.{alias.name}" for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found


def test_it_reads_only_the_imports_that_run_when_the_module_loads(tmp_path) -> None:
    source = tmp_path / "tasks.py"
    source.write_text(
        "import a\nfrom b import c\ntry:\n    import d\nexcept ImportError:\n    pass\n"
        "def task():\n    from e import f\n"
        "class Task:\n    import g\n    def run(self):\n        import h\n"
    )
    assert module_level_imports(source) == {"a", "b", "b.c", "d", "g"}


def test_it_lists_every_project_package_as_a_root_package() -> None:
    """A package missing from root_packages would be invisible to every contract."""
    packages = {
        path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests"
    }
    assert set(CONFIG["root_packages"]) == packages


def test_it_ignores_only_task_imports_made_inside_the_task() -> None:
    """The cycle contract's Celery entries hold only while the task imports its service
    late; an import at the top would be a real cycle that the ignore entry hides."""
    celery_edges = [
        entry.split(" -> ")
        for entry in contract("no-cycles")["ignore_imports"]
        if entry.split(" -> ")[0].endswith(".tasks")
    ]
    assert celery_edges
    for importer, imported in celery_edges:
        path = ROOT / (importer.replace(".", "/") + ".py")
        assert imported not in module_level_imports(path), f"{importer} -> {imported}"
