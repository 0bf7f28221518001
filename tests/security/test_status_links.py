"""Status links: unguessable, tamper-evident, rotatable, alive until 30 days after the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from security.status_links import StatusLinks, expired

OLD = StatusLinks.parse("s1:first-secret-of-sixteen+", "s1")
ROTATED = StatusLinks.parse("s1:first-secret-of-sixteen+,s2:second-secret-of-sixteen", "s2")
RETIRED = StatusLinks.parse("s2:second-secret-of-sixteen", "s2")


def test_a_link_names_its_own_migration_and_run_chain() -> None:
    token = OLD.token("mig-abc", "run-1")
    assert OLD.open(token) == ("mig-abc", "run-1")
    assert OLD.token("mig-abc", "run-2") != token


def test_a_tampered_or_foreign_link_opens_nothing() -> None:
    token = OLD.token("mig-abc", "run-1")
    body, mac = token.split(".")
    forged = StatusLinks.parse("s1:somebody-elses-secret!!", "s1").token("mig-abc", "run-1")
    for bad in (forged, f"{body}.{mac[:-2]}AA", f"{body}x.{mac}", "", "nonsense", f"{mac}.{body}"):
        assert OLD.open(bad) is None


def test_rotation_keeps_old_links_while_their_key_is_listed() -> None:
    old_link = OLD.token("mig-abc", "run-1")
    assert ROTATED.open(old_link) == ("mig-abc", "run-1")
    assert ROTATED.token("mig-abc", "run-1") != old_link  # new links: the new key
    assert RETIRED.open(old_link) is None


def test_a_link_lives_thirty_days_after_the_migration_closes() -> None:
    closed = datetime(2026, 11, 2, tzinfo=UTC)
    assert not expired(None, closed + timedelta(days=400))  # still running
    assert not expired(closed, closed + timedelta(days=30))
    assert expired(closed, closed + timedelta(days=30, seconds=1))
