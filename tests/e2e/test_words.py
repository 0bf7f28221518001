"""Words people read say a time the way people read it ("Mon 7 Dec, 13:00", in the line's
zone), never as a raw timestamp: a scripted journey through the whole stack, and every
sentence of every snapshot, worklist, console page and status page along it is checked.
Machine fields (a bare ISO 8601 value) stay beside the words, as they should."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx

from stack import Stack
from tests.e2e.client import auth, book, create, post, technician_of, until

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
HIDDEN = {"script", "style"}


class Text(HTMLParser):
    """The text a page shows: its text nodes, not its attributes or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in HIDDEN

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def shown(html: str) -> list[str]:
    page = Text()
    page.feed(html)
    return page.parts


def sentences(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Every string that is words (it has a space) in a JSON answer, with where it is."""
    match value:
        case str() if " " in value:
            return [(where, value)]
        case dict():
            return [s for k, v in value.items() for s in sentences(v, f"{where}.{k}")]
        case list():
            return [s for i, v in enumerate(value) for s in sentences(v, f"{where}[{i}]")]
        case _:
            return []


def raw_times(said: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(where, text) for where, text in said if ISO.search(text)]


async def sign_in(console: httpx.AsyncClient, token: str) -> None:
    form = await console.get("/console/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
    assert nonce is not None, form.text
    r = await console.post("/console/sign-in", data={"token": token, "nonce": nonce[1]})
    assert r.status_code == 303, r.text


async def test_no_raw_timestamp_in_anything_a_person_reads(
    api: httpx.AsyncClient, stack: Stack
) -> None:
    said: list[tuple[str, str]] = []
    mid = await create(api)
    on = f"/migrations/{mid}"

    async def answer(path: str, body: dict[str, Any], who: str) -> dict[str, Any]:
        r = await post(api, f"{on}{path}", body, who)
        assert r.status_code < 300, r.text
        found: dict[str, Any] = r.json()
        said.extend(sentences(found, path))
        return found

    ticket = await answer("/tickets", {"channel": "phone", "summary": "when?"}, "care")
    await answer(f"/tickets/{ticket['ticket_id']}/acknowledgement", {}, "dispatch")
    await answer("/confirmation", {"channel": "phone"}, "sales")
    first = await book(api, mid)
    said.extend(sentences(first, "booked"))
    await answer("/service-loss", {"reported_via": "gateway"}, "operator")
    missed = {"outcome": "failed", "reason": "customer_absent"}
    await answer("/visit", missed, technician_of(first))
    again = await book(api, mid)
    said.extend(sentences(again, "rebooked"))
    technician = technician_of(again)
    snap = await until(api, mid, lambda s: bool(s["escalations"]))  # the service loss's
    said.extend(sentences(snap, "snapshot"))
    for who in ("dispatch", "care", "supervisor", technician):
        work = await api.get("/worklist", headers=auth(who))
        said.extend(sentences(work.json(), f"worklist of {who}"))
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as console:
        await sign_in(console, "dev-supervisor")
        for page in (f"/console/migrations/{mid}", "/console/work"):
            said.extend((page, text) for text in shown((await console.get(page)).text))
    status = snap["customer_status_url"]
    async with httpx.AsyncClient(timeout=30) as customer:
        said.extend(("status page", text) for text in shown((await customer.get(status)).text))
        as_json = await customer.get(status, headers={"Accept": "application/json"})
        said.extend(sentences(as_json.json(), "status page JSON"))
    await answer("/visit", {"outcome": "activated"}, technician)
    await answer("/line-release", {}, "operator")
    done = await until(api, mid, lambda s: s["stage"] == "completed")
    said.extend(sentences(done, "completed"))

    assert said, "the journey read nothing"
    assert raw_times(said) == []
