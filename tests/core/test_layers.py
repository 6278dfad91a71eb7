"""The apps' layers (ARCHITECTURE.md, pyproject's [tool.importlinter]): imports run downward only, and no two apps
import each other, directly or through others."""

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
APPS = CONFIG["root_packages"]


def _app_graph() -> dict[str, set[str]]:
    """Which apps each app imports (any module of it, any import, function-level ones included)."""
    graph = grimp.build_graph(*APPS, cache_dir=None)
    return {
        importer: {
            imported
            for imported in APPS
            if imported != importer
            and graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)
        }
        for importer in APPS
    }


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary circle's apps, once each (depth-first from each app, over apps after it in the list)."""
    order = {app: index for index, app in enumerate(edges)}
    found = []

    def walk(start: str, node: str, path: list[str]) -> None:
        for following in sorted(edges[node]):
            if following == start:
                found.append([*path, start])
            elif order[following] > order[start] and following not in path:
                walk(start, following, [*path, following])

    for app in edges:
        walk(app, app, [app])
    return found


def test_imports_follow_the_layers():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--no-logo", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_app_is_in_a_layer():
    layered = {app.strip() for layer in CONFIG["contracts"][0]["layers"] for app in layer.split(":")}
    assert layered == set(APPS)
    portal_packages = {
        path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name not in {"tests", "bench"}
    }
    assert portal_packages == set(APPS), "a new app must be placed in a layer of [tool.importlinter]"


def test_no_circle_of_imports_between_apps():
    assert _circles(_app_graph()) == []


def test_circle_finder_finds_a_circle_through_three_apps():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(edges) == [["a", "b", "c", "a"]]
