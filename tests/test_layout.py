"""The shape of the code base, kept by tests: where helpers live and who may import them."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_test_helper_is_imported_from_a_test_module_or_a_conftest() -> None:
    """Shared helpers live in builder modules (`tests/builders.py`, `tests/workflows/steps.py`,
    `tests/e2e/client.py`): a test module imported by another runs its tests twice over, and a
    conftest's names are pytest's to inject, not ours to import."""
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for folder in ("tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("tests.")
        and module.rsplit(".", 1)[-1].startswith(("test_", "conftest"))
    }
    assert not offenders, sorted(offenders)


PRODUCT = (
    "domain",
    "workflows",
    "activities",
    "usecases",
    "api",
    "security",
    "simulators",
    "observability",
)
# Helpers that once had two homes; each must keep exactly one.
ONE_HOME = {
    "when": "domain/words/staff.py",
    "due_of": "domain/promises.py",
    "conflict": "domain/refusals.py",
    "closed_refusal": "domain/refusals.py",
    "form_token": "security/hashing.py",
}


def product_functions() -> list[tuple[str, str]]:
    return [
        (node.name, str(path.relative_to(ROOT)))
        for folder in PRODUCT
        for path in (ROOT / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_each_shared_helper_has_one_home() -> None:
    homes: dict[str, set[str]] = {}
    for name, path in product_functions():
        if name.lstrip("_") in ONE_HOME:
            homes.setdefault(name.lstrip("_"), set()).add(path)
    assert homes == {name: {path} for name, path in ONE_HOME.items()}


def test_keyed_hashes_are_made_in_security_only() -> None:
    """A form's CSRF token, a seal, a line key: all in `security/`, none written twice."""
    outside = [
        str(path.relative_to(ROOT))
        for folder in PRODUCT
        if folder != "security"
        for path in (ROOT / folder).rglob("*.py")
        if "hmac.new(" in path.read_text()
    ]
    assert outside == []


# Who may import `temporalio.client`, and why: one module makes every call.
CLIENT_IMPORTERS = {
    "usecases/temporal.py": "every call to Temporal: start, update, query, list, count, ...",
    "usecases/temporal_failures.py": "names the client's exceptions to answer them; calls nothing",
    "connection.py": "connects (the one way every process does)",
    "observability/tracing.py": "the tracing interceptor's base class",
}


def product_modules() -> list[Path]:
    top = [ROOT / f for f in ("worker.py", "settings.py", "connection.py", "stack.py")]
    return top + [p for folder in (*PRODUCT, "reporting") for p in (ROOT / folder).rglob("*.py")]


def test_one_module_talks_to_the_temporal_client() -> None:
    """No edge, workflow, activity or use case but `usecases/temporal.py` calls Temporal's
    client itself: every call goes through that one module (the import-linter contracts in
    pyproject.toml see `temporalio` only whole, so this test keeps that rule)."""
    importers = {
        str(path.relative_to(ROOT))
        for path in product_modules()
        if "temporalio.client" in imported_modules(path)
    }
    assert importers == set(CLIENT_IMPORTERS)


def test_the_domain_imports_no_top_level_module_of_ours() -> None:
    """The contracts cover our packages; settings, connection, worker and stack are single
    modules, which the linter cannot name."""
    ours = {"settings", "connection", "worker", "stack"}
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "domain").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in ours
    }
    assert not offenders, sorted(offenders)


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_contributing_names_every_import_contract_and_no_other() -> None:
    """CONTRIBUTING's layering rules are the contracts `make lint` checks, word for word:
    a contract added, changed or dropped without its rule (or the reverse) fails here."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("### The layering rules", 1)[1].split("\n## ", 1)[0]
    rules = {line[2:].strip() for line in section.splitlines() if line.startswith("- ")}
    assert rules == {f"{c['name']} (`{c['id']}`)" for c in contracts()}


def test_visibility_queries_are_built_in_one_place() -> None:
    """Every visibility clause comes from `usecases/visibility.py`, which quotes each value:
    no string elsewhere in the product compares a search attribute."""
    from workflows.search_attributes import ALL

    names = {key.name for key in ALL} | {"WorkflowType", "WorkflowId", "ExecutionStatus"}
    clause = re.compile(rf"\b({'|'.join(sorted(names))}) +(=|!=|>|<|IN\b|IS\b)")
    offenders = set()
    for path in product_modules():
        if path == ROOT / "usecases" / "visibility.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if clause.search(_text_of(node)):
                offenders.add(f"{path.relative_to(ROOT)}:{node.lineno}")  # type: ignore[attr-defined]  # a Constant or a JoinedStr
    assert not offenders, sorted(offenders)


def _text_of(node: ast.AST) -> str:
    """A string literal's text; an f-string's, with `{key.name}` read as an attribute name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value)
            if isinstance(part, ast.Constant)
            else "WorkflowType"
            if ast.unparse(part).endswith(".name}")
            else "{}"
            for part in node.values
        )
    return ""
