"""The architecture holds: imports point down the layers, and no module imports itself back.

The layers are the contract in pyproject.toml (`[tool.importlinter]`), checked by
import-linter; the domain never imports an app (`vigil.site`, later `vigil.bureau`), so
both apps can stand on it side by side.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_imports_point_down_the_layers() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return found


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("vigil", cache_dir=None)
    assert _cycles(graph) == []


def test_a_cycle_would_be_found() -> None:
    """The check above can fail: two modules importing each other are one cycle."""
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


#: Where web and command-line code may live: the two apps' web packages and the CLI.
WEB_HOMES = ("vigil.site", "vigil.bureau.web", "vigil.cli")
WEB_LIBRARIES = ("fastapi", "starlette", "uvicorn", "typer")


def _is_under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_web_code_stays_in_the_apps_web_packages() -> None:
    # The bureau's domain (register, filings, seals, dashboard queries) sits beside its web
    # app in vigil/bureau; like the rest of the domain it never imports the web app or a web
    # library, so a GB/T 28181 gateway or the CLI can use it without FastAPI.
    graph = grimp.build_graph("vigil", include_external_packages=True, cache_dir=None)
    offenders = sorted(
        f"{module} -> {imported}"
        for module in graph.modules
        if module.startswith("vigil") and not _is_under(module, WEB_HOMES)
        for imported in graph.find_modules_directly_imported_by(module)
        if _is_under(imported, WEB_LIBRARIES) or _is_under(imported, WEB_HOMES)
    )
    assert offenders == []
