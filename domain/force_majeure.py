"""Force majeure declared for an area: every customer-facing clock of a migration there stops
for the overlap of the declaration with the promise's life, and starts again as it was when
the declaration is revoked. A promise already broken stays broken (the declaration came too
late for it); one opened during the declared period starts with its clock stopped."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import promises
from domain.calendar import Pause
from domain.editing import append_timeline, draft_for
from domain.models import Declaration
from domain.records import MigrationState
from domain.words.staff import at

# The migration's signals, by name: the registry's activity signals migrations it finds in
# visibility, without importing the workflow.
DECLARE_SIGNAL = "declare_force_majeure"
REVOKE_SIGNAL = "revoke_force_majeure"
# The registry's activity, by name: it talks to Temporal, so it lives in the application
# layer, which the registry's workflow never imports.
FAN_OUT_ACTIVITY = "force_majeure.fan_out"
# What the register holds for one area now, asked by a migration whose copy is too old.
REGISTER_ACTIVITY = "force_majeure.register_of_area"

# A start carries the declarations as its API process last read them from the registry, and
# when it read them (no call to the registry per start). A copy read at most this long before
# the migration started is trusted; an older one (a start held up by retries) is checked by
# the migration itself before anything else.
COPY_FRESH_FOR = timedelta(seconds=5)
# How long visibility may take to list a migration that has started (SQLite: at once;
# Elasticsearch: about a second).
VISIBILITY_LAG = timedelta(seconds=5)
# The fan-out's second pass, once every copy read before the change is too old to trust and
# every migration started meanwhile is listed: it tells the migrations started since the change
# (less the lag), and so closes the gap between a start's copy and the first pass. A migration
# without the change and not in that pass started more than COPY_FRESH_FOR after its copy.
SETTLE = COPY_FRESH_FOR + VISIBILITY_LAG


def copy_too_old(read_at: datetime | None, started_at: datetime) -> bool:
    """Must the migration ask the register itself? (No read time: a start from before copies,
    which asked the registry when it started.)"""
    return read_at is not None and started_at - read_at > COPY_FRESH_FOR


def catch_up(state: MigrationState, register: list[Declaration], now: datetime) -> MigrationState:
    """The migration as the register of its area stands now: declarations it lacks applied,
    revocations it missed applied, the rest unchanged (each step is idempotent)."""
    for d in register:
        revoked = d.revoked_at is not None
        state = revoke(state, d.declaration_id, now) if revoked else declare(state, d, now)
    return state


def declare(state: MigrationState, d: Declaration, now: datetime) -> MigrationState:
    """The migration with this declaration in force (once: a repeated one changes nothing)."""
    if any(known.declaration_id == d.declaration_id for known in state.force_majeure):
        return state
    draft = draft_for(state)
    draft.force_majeure.append(d)
    stopped = []
    for p in list(draft.promises):
        window = promises.window_of(draft, p.name)
        start = max(d.start, p.opened_at)
        if not _stoppable(p) or window is None or start >= d.end:
            continue
        pause = Pause(
            start=start,
            end=d.end,
            reason=f"force majeure: {d.reason}",
            by=d.by,
            declaration=d.declaration_id,
        )
        moved = promises.with_pauses(draft, p, window, [*p.pauses, pause])
        draft.promises = [moved if q is p else q for q in draft.promises]
        stopped.append(p.id)
    period = f"{at(draft, d.start)} to {at(draft, d.end)}"
    detail = f"{d.declaration_id} in {d.area}, {period}: {d.reason}; clocks stopped: " + (
        ", ".join(stopped) or "none"
    )
    append_timeline(draft, now, "force_majeure_declared", None, detail)
    return draft


def revoke(state: MigrationState, declaration_id: str, now: datetime) -> MigrationState:
    """The migration as if the declaration had never stopped its clocks."""
    found = next((d for d in state.force_majeure if d.declaration_id == declaration_id), None)
    if found is None or found.revoked_at is not None:
        return state
    draft = draft_for(state)
    draft.force_majeure = [
        d.model_copy(update={"revoked_at": now}) if d.declaration_id == declaration_id else d
        for d in draft.force_majeure
    ]
    for p in list(draft.promises):
        window = promises.window_of(draft, p.name)
        kept = [q for q in p.pauses if q.declaration != declaration_id]
        if window is None or len(kept) == len(p.pauses) or not p.pending:
            continue
        moved = promises.with_pauses(draft, p, window, kept)
        draft.promises = [moved if q is p else q for q in draft.promises]
    append_timeline(draft, now, "force_majeure_revoked", None, declaration_id)
    return draft


def _stoppable(p: promises.Promise) -> bool:
    return p.name in promises.STOPPABLE and p.pending and p.breached_at is None
