"""Strings translated when a module is imported stay in the language active then, whoever reads them later: module-
and class-level strings must be translated lazily (gettext_lazy)."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]


def _eager_names(tree: ast.Module) -> set[str]:
    """The names under which a module imports the eager gettext functions."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in ("gettext", "ngettext", "pgettext", "npgettext"):
                    names.add(alias.asname or alias.name)
    return names


def _import_time_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    eager = _eager_names(tree)
    statements = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            statements.append(node)
        elif isinstance(node, ast.ClassDef):
            statements += [item for item in node.body if isinstance(item, ast.Assign | ast.AnnAssign)]
    return [
        f"{path.relative_to(ROOT)}:{statement.lineno}"
        for statement in statements
        for call in ast.walk(statement)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in eager
    ]


def test_no_string_is_translated_at_import_time():
    files = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    assert [place for path in files for place in _import_time_calls(path)] == []


def test_the_check_sees_a_module_level_translation(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from django.utils.translation import gettext as _\nLABELS = {'a': _('A')}\n"
        "class Form:\n    label = _('B')\n    def method(self):\n        return _('C')\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _import_time_calls(module) == ["module.py:2", "module.py:4"]
    finally:
        ROOT = saved
