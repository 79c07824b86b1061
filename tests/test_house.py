"""The house: no module of the project imports, at import time, a module that imports it back
(however long the circle), and an import hidden inside a function says why in a comment."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "registry", "entities")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported(node: ast.AST, modules: dict[str, Path], here: str) -> set[str]:
    """The project modules an import statement names: `from package import module` names the module,
    `from module import name` the module. (A submodule importing its package's other modules while
    the package runs its `__init__` is how packages work, not a circle.)"""
    found: set[str] = set()
    if isinstance(node, ast.Import):
        found = {alias.name for alias in node.names} & modules.keys()
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        for alias in node.names:
            submodule = f"{node.module}.{alias.name}"
            found.add(submodule if submodule in modules else node.module)
        found &= modules.keys()
    found.discard(here)
    return found


def import_time_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Edges of imports that run when the module is imported: top level, or inside a class or `if`."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        edges: set[str] = set()
        stack = list(tree.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= imported(node, modules, name)
            stack.extend(ast.iter_child_nodes(node))
        graph[name] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph.get(node, ()):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_finder_sees_a_circle_when_there_is_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_the_projects_modules():
    modules = project_modules()
    assert {"accounts.services", "accounts.tasks.workflow", "accounts.public.views"} <= modules.keys()
    assert circles(import_time_graph(modules)) == []


def test_an_import_inside_a_function_says_why():
    unexplained = []
    modules = project_modules()
    for name, path in modules.items():
        lines = path.read_text().split("\n")
        for func in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and imported(node, modules, name):
                    said = lines[node.lineno - 1] + lines[node.lineno - 2]
                    if "#" not in said:
                        unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unexplained == []
