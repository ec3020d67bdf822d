"""The import graph of the product: layers only import downwards, and nothing imports in a circle.

The layers, bottom to top (docs/architecture.md draws them):

    catalogue  <  crawler  <  db  <  classifier  <  reports  <  curator

A module may import its own package and any package below it, never one above
(``curator`` is the command line and the composition root: nothing imports it).
Imports inside functions count as much as those at the top of a module: a lazy
import is still a dependency. Read with the standard library's ``ast``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("catalogue", "crawler", "db", "classifier", "reports", "curator")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> dict[str, Path]:
    return {_module_name(p): p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))}


def imports_of(path: Path, name: str, modules: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """Every name of ours that ``path`` imports (absolute; relative imports resolved).
    ``from package import module`` counts as importing that module only, when it is one
    of ``modules``; ``from module import name`` counts as importing the module."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
            submodules = [n for n in names if n in modules]
            found.update(submodules if len(submodules) == len(names) else [base, *submodules])
    return {m for m in found if m.split(".")[0] in LAYERS}


def graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (names that are not modules, e.g. a
    function imported from a module, are mapped to that module)."""
    out = {}
    for name, path in modules.items():
        targets = set()
        for imported in imports_of(path, name, set(modules)):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        out[name] = targets
    return out


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    return sorted(f"{a} imports {b}" for a, targets in edges.items() for b in targets
                  if rank[b.split(".")[0]] > rank[a.split(".")[0]])


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
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

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


@pytest.fixture(scope="module")
def edges():
    return graph(product_modules())


def test_every_layer_has_modules(edges):
    assert {name.split(".")[0] for name in edges} == set(LAYERS)


def test_no_layer_imports_one_above_it(edges):
    assert upward_imports(edges) == []


def test_nothing_below_the_command_line_imports_curator(edges):
    assert [f"{a} imports {b}" for a, targets in edges.items() for b in targets
            if not a.startswith("curator") and b.startswith("curator")] == []


def test_the_vocabulary_imports_nothing_of_ours(edges):
    assert {b for a, t in edges.items() if a.startswith("catalogue") for b in t
            if not b.startswith("catalogue")} == set()


def test_no_import_cycle(edges):
    assert cycles(edges) == []


def test_the_checks_do_fail():
    bad = {"catalogue.vocabulary": {"reports.render"}, "reports.render": {"catalogue.vocabulary"},
           "db.x": {"curator.app"}, "curator.app": set()}
    assert upward_imports(bad) == ["catalogue.vocabulary imports reports.render", "db.x imports curator.app"]
    assert cycles(bad) == [["catalogue.vocabulary", "reports.render"]]


def test_imports_are_read_inside_functions_too(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from curator.app import App\n    import db.schema\n    from db import runs\n")
    assert imports_of(module, "reports.m", {"db.runs"}) == {"curator.app", "db.schema", "db.runs"}
