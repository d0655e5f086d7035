"""The shape of the code (DESIGN.md section 5, README "Code layout"): packages import
only the packages below them, no files import each other in a circle, and no module
grows past 600 lines.

An import is any Python import of a keyplan module, at module level or inside a
function; string model references ("accounts.Account") and migrations do not count.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "keyplan"

# keyplan's packages, lowest first: each may import only those before it.
LAYERS = [
    "core",
    "team",
    "security",
    "audit",
    "relationships",
    "risks",
    "growth",
    "accounts",
    "cadence",
    "plan",
    "insights",
    "rhythm",
    "exchange",
    "api",
    "web",
    "demo",
    "bench",
]
MAX_LINES = 600
MAX_EXCHANGE_MODULES = 10


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {_name(path): path for path in ROOT.rglob("*.py") if "migrations" not in path.parts}


MODULES = _sources()


def _imports(module: str, path: Path) -> set[str]:
    """The keyplan modules `module` imports, anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from keyplan.x import y` imports the module keyplan.x.y when there is one.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # keyplan.x.y.Name -> keyplan.x.y
                target = target.rpartition(".")[0]
            if target.startswith("keyplan") and target != module:
                found.add(target)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _edges_between(parent: str) -> dict[str, set[str]]:
    """The imports between the children (modules and subpackages) of package `parent`."""
    depth = parent.count(".") + 1
    graph: dict[str, set[str]] = defaultdict(set)

    def child(module: str) -> str | None:
        if not module.startswith(parent + "."):
            return None
        return ".".join(module.split(".")[: depth + 1])

    for module, targets in GRAPH.items():
        source = child(module)
        if source is None:
            continue
        for target in targets:
            into = child(target)
            if into is not None and into != source:
                graph[source].add(into)
    return graph


def test_no_files_import_each_other_in_a_circle():
    assert _circles(GRAPH) == []


PACKAGES = sorted({_name(path) for path in ROOT.rglob("__init__.py")} - {"keyplan.migrations"})


@pytest.mark.parametrize("package", [p for p in PACKAGES if ".migrations" not in p])
def test_no_modules_or_subpackages_of_a_package_import_each_other_in_a_circle(package):
    assert _circles(_edges_between(package)) == []


def test_every_package_imports_only_packages_below_it():
    packages = {p.split(".")[1] for p in PACKAGES if p.count(".") == 1}
    assert packages <= set(LAYERS), f"place {sorted(packages - set(LAYERS))} in LAYERS"
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if module.count(".") >= 2 and target.count(".") >= 1
        and (a := module.split(".")[1]) in LAYERS and (b := target.split(".")[1]) in LAYERS
        and LAYERS.index(b) > LAYERS.index(a)
    )  # fmt: skip
    assert upward == []


def test_no_module_is_longer_than_600_lines():
    long = {
        module: lines
        for module, path in MODULES.items()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_exchange_holds_at_most_ten_modules_directly():
    modules = sorted(p.name for p in (ROOT / "exchange").glob("*.py"))
    assert len(modules) <= MAX_EXCHANGE_MODULES, modules
