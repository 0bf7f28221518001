"""The shape of the code base, kept by tests: where helpers live and who may import them."""

from __future__ import annotations

import ast
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


PRODUCT = ("domain", "workflows", "activities", "api", "security", "simulators", "observability")
# Helpers that once had two homes; each must keep exactly one.
ONE_HOME = {
    "ts": "domain/words/staff.py",
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
