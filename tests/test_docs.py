"""The README and the manual in docs/ hold together: every relative link reaches a file of the
repository, and every anchor a heading of the page it names. The README stays a front door."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FRONT_DOOR_LINES = 250


def prose(text: str) -> str:
    """The page without its code blocks (a `[x](y)` in code is not a link)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def slug(heading: str) -> str:
    """The anchor a heading gets on GitHub: lower case, punctuation dropped, spaces to -."""
    words = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return words.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {
        slug(line.lstrip("#"))
        for line in prose(page.read_text()).splitlines()
        if line.startswith("#")
    }


def broken(page: Path) -> list[str]:
    found = []
    for target in LINK.findall(prose(page.read_text())):
        if re.match(r"^(https?|mailto):", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or ROOT not in linked.parents:
            found.append(f"{page.name}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            found.append(f"{page.name}: {target} (no such heading)")
    return found


def test_every_relative_link_and_anchor_resolves() -> None:
    assert [problem for page in PAGES for problem in broken(page)] == []


def test_the_readme_is_a_front_door_that_links_every_page_of_the_manual() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= FRONT_DOOR_LINES
    manual = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert {m for m in manual if f"](docs/{m})" not in readme} == set()


def test_the_slug_is_githubs() -> None:
    assert slug("Layout and what may import what") == "layout-and-what-may-import-what"
    assert slug("Two deployments: embedded and cluster") == "two-deployments-embedded-and-cluster"
    assert slug("The customer's status page") == "the-customers-status-page"
