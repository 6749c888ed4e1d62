"""The package's shape: no import cycles, and a family reads another only through its public names."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "detector"
FAMILIES = ("filler", "figures", "contradiction", "source")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, modules: set[str], top_level_only: bool) -> set[str]:
    """Modules of the package that ``path`` imports (at module level only, if asked)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph = {name: _imports(path, name, modules, top_level_only) for name, path in paths.items()}
    for name, deps in graph.items():  # importing a submodule runs its parent packages first
        parents = {".".join(d.split(".")[:i]) for d in deps for i in range(1, d.count(".") + 1)}
        deps |= {p for p in parents if p in modules and not name.startswith(p + ".") and p != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_level_import_cycles():
    assert _cycles(_graph(top_level_only=True)) == []


def test_a_family_uses_another_only_through_its_public_names():
    graph = _graph(top_level_only=False)
    crossing = []
    for name, deps in graph.items():
        family = name.split(".")[1] if name.count(".") >= 1 else None
        if family not in FAMILIES:
            continue
        for dep in deps:
            other = dep.split(".")[1] if dep.count(".") >= 1 else None
            if other in FAMILIES and other != family and dep != f"detector.{other}":
                crossing.append(f"{name} -> {dep}")
    assert crossing == []


def test_checks_module_holds_only_the_interface():
    """detector.checks must not import a family: the families import it."""
    graph = _graph(top_level_only=False)
    assert not {d for d in graph["detector.checks"] if d.split(".")[1:2] and d.split(".")[1] in FAMILIES}


def test_checks_run_and_report_in_a_fixed_order():
    """Families first to last as GROUP_ORDER says; repetition before generic, which reads its flags."""
    from detector.checks import registered_checks

    assert list(registered_checks()) == [
        "repetition", "generic", "stock_phrase", "tautology", "template_residue", "figures", "contradictions",
        "source_contradicted", "source_unsupported", "homoglyphs", "invisible_characters",
    ]
