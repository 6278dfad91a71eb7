"""demo sits above every app: no module of the portal imports it, and its own modules import each other without a
circle (shared helpers in demo.common, the seeding of everything at the top)."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("tests", "bench", "demo", "node_modules", "static", "var")


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_no_module_of_the_portal_imports_demo():
    sources = [ROOT / "manage.py"] + [
        path
        for top in ROOT.iterdir()
        if top.is_dir() and not top.is_symlink() and not top.name.startswith(".") and top.name not in OUTSIDE
        for path in top.rglob("*.py")
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if any(module == "demo" or module.startswith("demo.") for module in _imported_modules(path))
    ]
    assert offenders == []


def test_demo_modules_import_each_other_without_a_circle():
    modules = {path.stem: path for path in (ROOT / "demo").glob("*.py") if path.stem != "__init__"}
    graph = {
        name: {module.split(".")[1] for module in _imported_modules(path) if module.startswith("demo.")} & set(modules)
        for name, path in modules.items()
    }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"a circle of imports in demo: {error.args[1]}") from None
    assert order and graph["common"] == set()  # what the seeders share imports none of them
