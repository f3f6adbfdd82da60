"""Issue 10: layers point down, and no two modules of `reporting` import each other.

The import graph is built with ast from every file of the package. An import inside a
function counts as much as one at the top of a file: it only moves the failure to the
moment the function runs.

Layers, lowest first (a module may import its own layer and those below it):

0. leaf infrastructure: crypto, db, extensions, exceptions, config, logs, ``cache``, ``words``
   (Flask-Babel's gettext, asked once per request) and ``codes`` (every enumeration with its
   words; it imports ``words`` alone)
1. audit, forms, settings, sessions, and ``auth.models`` (the accounts and roles that
   key custody and the audit log refer to; the rest of ``auth`` is a feature)
2. the domain core proper: reports, keys, and ``casefile`` (the case file's registry, where
   the features plug their panels and timeline sentences in)
3. every feature package and top-level helper (journey, public, status, cases,
   referrals, centres, evidence, admin, auth, stats, support, i18n, security, ...)
4. the application: ``reporting/__init__.py`` (create_app) and ``reporting/cli.py``

Where a lower layer must call out, it takes a hook (such as the journey's
``after_submit`` passed to ``reports``) instead of importing: an import that must
stay goes into HOOKS below with its reason.
"""
from __future__ import annotations

import ast
from pathlib import Path

import reporting

PACKAGE = Path(reporting.__file__).parent

LAYERS: dict[str, int] = {
    "crypto": 0, "db": 0, "extensions": 0, "exceptions": 0, "config": 0, "logs": 0, "codes": 0, "cache": 0, "words": 0,
    "audit": 1, "forms": 1, "settings": 1, "sessions": 1, "auth.models": 1,
    "reports": 2, "keys": 2, "disclosure": 2, "casefile": 2,
    # The parts of keys that serve a signed-in person's request (their keyring, the grant
    # pages) read the staff session: features, like the rest of auth.
    "keys.staff": 3, "keys.views": 3,
    # The one CSV import refuses formula cells with disclosure.cells' rule.
    "forms.csv_import": 2,
    # The admin's list/new/edit/import pages of a kind of record: view code, as a feature's.
    "forms.record_pages": 3,
    "cli": 4,
}
FEATURES = 3
APPLICATION = 4

# (importer, imported): why the lower module may import the higher one. Empty today.
HOOKS: dict[tuple[str, str], str] = {}


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under ``package``."""
    found = {}
    for path in package.rglob("*.py"):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in the file)."""
    known = modules(package)
    root = package.name

    def owner(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module if path.name == "__init__.py" else module.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
                names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
            for name in names:
                target = owner(name) if name == root or name.startswith(root + ".") else None
                # The package root is loaded by Python before any of its modules, and
                # `from reporting import ROOT` reads a constant: it is no edge.
                if target and target not in (module, root):
                    targets.add(target)
        graph[module] = targets
    return graph


def layer(module: str) -> int:
    parts = module.split(".")[1:]
    if not parts:
        return APPLICATION
    for length in (2, 1):
        key = ".".join(parts[:length])
        if key in LAYERS:
            return LAYERS[key]
    return FEATURES


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})"
        for module, targets in graph.items()
        for target in targets
        if layer(target) > layer(module) and (module, target) not in HOOKS
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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


def test_the_graph_covers_the_package():
    graph = import_graph(PACKAGE)
    assert len(graph) > 60
    assert "reporting.reports.services" in graph["reporting.journey.services"]
    # A function-level import counts: create_app imports every blueprint inside the factory.
    assert "reporting.cases.views" in graph["reporting"]


def test_no_lower_layer_imports_a_higher_one():
    assert upward_imports(import_graph(PACKAGE)) == []


def test_no_import_cycle_between_modules():
    assert cycles(import_graph(PACKAGE)) == []


def test_the_checks_catch_an_upward_import_and_a_cycle(tmp_path):
    """The checks above are not a formality: a package like this one fails both."""
    package = tmp_path / "reporting"
    (package / "reports").mkdir(parents=True)
    (package / "cases").mkdir()
    for init in (package, package / "reports", package / "cases"):
        (init / "__init__.py").write_text("")
    # The core reaches up into a feature, inside a function.
    (package / "reports" / "services.py").write_text(
        "def submit():\n    from reporting.cases import services\n", encoding="utf-8")
    (package / "cases" / "services.py").write_text("from reporting.cases import views\n", encoding="utf-8")
    (package / "cases" / "views.py").write_text("from . import services\n", encoding="utf-8")
    graph = import_graph(package)
    assert upward_imports(graph) == ["reporting.reports.services (layer 2) imports reporting.cases.services (layer 3)"]
    assert cycles(graph) == [["reporting.cases.services", "reporting.cases.views"]]


def package_imports(graph: dict[str, set[str]], package: str) -> set[str]:
    """The packages (second part of the dotted name) that any module of ``package`` imports."""
    prefix = f"reporting.{package}"
    return {
        target.split(".")[1]
        for module, targets in graph.items()
        if module == prefix or module.startswith(prefix + ".")
        for target in targets
        if len(target.split(".")) > 1 and target.split(".")[1] != package
    }


# (importer, imported): edges of the package tree that were cut (issue 29) and must stay cut.
CUT_EDGES = [
    ("cases", "retention"),  # legal holds sit below the queue, in reports/holds.py
    ("centres", "cases"),  # assisted reporting is its own package, reporting/assisted
    ("centres", "journey"),
    ("stats", "crypto"),  # the police quarterly extract (sealed to the police key) is in referrals
    ("stats", "keys"),
]


def test_cut_edges_stay_cut():
    graph = import_graph(PACKAGE)
    assert [(a, b) for a, b in CUT_EDGES if b in package_imports(graph, a)] == []


def package_of(module: str) -> str:
    """The package (or top-level module) of ``reporting`` a module belongs to."""
    parts = module.split(".")
    return ".".join(parts[:2])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Package -> the packages it imports, from the module graph (inside functions too)."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = package_of(module)
        if source == PACKAGE.name:
            continue  # the app factory imports every package: it is the top
        found = packages.setdefault(source, set())
        found.update(package_of(t) for t in targets if package_of(t) not in (source, PACKAGE.name))
    return packages


def test_the_packages_form_a_tree():
    """Issue 29: no group of packages imports one another in a loop, not even inside a
    function (STYLE.md rule 16). Where a page shows several features, they plug in through
    ``reporting.casefile`` instead of importing each other."""
    loops = cycles(package_graph(import_graph(PACKAGE)))
    assert loops == [], "packages in a loop: " + "; ".join(" <-> ".join(group) for group in loops)


def test_the_package_check_catches_a_loop_inside_a_function(tmp_path):
    package = tmp_path / "reporting"
    for name in ("cases", "meetings"):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "cases" / "views.py").write_text("def page():\n    from reporting.meetings import views\n")
    (package / "meetings" / "views.py").write_text("from reporting.cases import queries\n")
    (package / "cases" / "queries.py").write_text("")
    assert cycles(package_graph(import_graph(package))) == [["reporting.cases", "reporting.meetings"]]
