"""The layering holds at run time: no module of ours imports, at its top level, a module that
imports it back. Tasks and services meet only because tasks import services in their bodies."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("claims", "reviewers", "factcheck")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def top_level_imports(path: Path, known: set[str]) -> set[str]:
    """Return our modules this one imports when it is loaded (not inside a function)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & known


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back_at_load_time() -> None:
    modules = our_modules()
    graph = {name: top_level_imports(path, set(modules)) for name, path in modules.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_tasks_import_their_services_inside_their_bodies() -> None:
    modules = our_modules()
    for tasks in ("claims.tasks", "reviewers.tasks"):
        imported = top_level_imports(modules[tasks], set(modules))
        # Only the tasks' time limits and retries: plumbing that imports neither app (an
        # import-linter contract), so no cycle can pass through it.
        assert imported <= {"factcheck.limits"}, f"{tasks} imports {sorted(imported)} at its top"
