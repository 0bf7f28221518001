"""The gaining side of a switch, decided from where the migration stands: at most one
request waits for its answer, and the next one follows from the stage (matched at the
proposal, ordered for the visit's day, updated when the visit moves, triggered once the new
line is live, cancelled when the migration ends short). Answers, the hub's delivery failures
and the losing provider's refusals move it on; every answer time is a promise in the ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from domain import escalation, promises
from domain.calendar import start_of_day
from domain.commands import Decision, Effect, EffectKind
from domain.editing import append_escalation, append_timeline, draft_for
from domain.handlers.ending import set_final_stage
from domain.models import BEFORE_ACTIVATION, PromiseName, PromiseStatus, Stage
from domain.records import MigrationState
from domain.switching.ids import correlation_id
from domain.switching.messages import (
    CONFIRMATION,
    DELIVERY_FAILURE,
    REQUEST,
    ROUTINGS,
    HubMessage,
    outgoing,
    routing_id,
)
from domain.switching.record import (
    Implication,
    Sent,
    ServiceFound,
    Status,
    Step,
    Switch,
    SwitchOrder,
)
from domain.switching.request import SwitchRequest
from domain.words import switching as words
from domain.words.staff import at

# The Industry Process's answer times: the losing provider's promises to us.
MATCH_ANSWER = timedelta(seconds=60)
ORDER_ANSWER = timedelta(hours=1)
ANSWERS = {
    Step.MATCH: (PromiseName.SWITCH_MATCH, MATCH_ANSWER),
    Step.ORDER: (PromiseName.SWITCH_ORDER, ORDER_ANSWER),
    Step.UPDATE: (PromiseName.SWITCH_UPDATE, ORDER_ANSWER),
    Step.CANCELLATION: (PromiseName.SWITCH_CANCELLATION, ORDER_ANSWER),
}
# A reference lapses 31 days after its match if never ordered, else after its last planned
# date: an order keeps it alive with an update a day before.
REFERENCE_LIFE = timedelta(days=31)
KEEP_ALIVE_AFTER = timedelta(days=30)
# The hub could not deliver: these are worth another try (a new id), backing off.
RETRYABLE = frozenset({"9005", "9008"})
RETRY_FIRST = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=5)
ENDED_SHORT = frozenset({Stage.WITHDRAWN, Stage.FAILED})


class Received(NamedTuple):
    decision: Decision
    unmatched: str | None  # why the message answers nothing of ours (for the supervisors)


# --- what to send next --------------------------------------------------------------------


def advance(state: MigrationState, now: datetime) -> Decision:
    """Every message the switch owes by now: resends the hub asked for, a match sent once
    more after 60 s of silence, then the next step if nothing waits for an answer."""
    req, sw = state.request.switch, state.switch
    if req is None or sw is None or sw.halted:
        return Decision(state=state)
    resends = [i for i, s in enumerate(sw.sent) if s.waiting and s.retry_at and s.retry_at <= now]
    silent = [i for i, s in enumerate(sw.sent) if _silent_match(state, s, now)]
    step = None if resends or silent or sw.busy else _next_step(state, now)
    if not (resends or silent or step):
        return Decision(state=state)
    draft = draft_for(state)
    record = _record(draft)
    effects = []
    for i in resends:
        old = record.sent[i]
        old.given_up, old.retry_at = True, None
        effects.append(_send(draft, req, old.step, now, old.on, old.reference, old))
    for i in silent:
        old = record.sent[i]
        old.given_up = True
        old.answer = "no answer within 60 s: sent again under a new correlation id"
        assert old.promise_id is not None
        draft.promises = promises.replan(
            draft.promises, old.promise_id, now + MATCH_ANSWER, now, "the hub", old.answer
        )
        effects.append(_send(draft, req, Step.MATCH, now, None, None, old))
    if step is not None:
        reference = None if step[0] is Step.MATCH else record.reference
        effects.append(_send(draft, req, step[0], now, step[1], reference, None))
    return Decision(state=draft, effects=effects)


def _next_step(state: MigrationState, now: datetime) -> tuple[Step, date | None] | None:
    sw = state.switch
    assert sw is not None
    ended = state.stage in ENDED_SHORT
    visit = _visit_day(state)
    today = local_day(state, now)
    live = state.contract_effective_at
    status = _status(sw, now)
    if status in (None, Status.EXPIRED):
        never = not any(s.step is Step.MATCH for s in sw.sent)
        wanted = never or visit is not None or live is not None
        return (Step.MATCH, None) if wanted and not ended else None
    if status is Status.NEW:
        if ended:
            return None
        if live is not None:
            return Step.ORDER, today
        return (Step.ORDER, max(visit, today)) if visit is not None else None
    if status in (Status.CONFIRMED, Status.UPDATED):
        if ended:
            return Step.CANCELLATION, None
        if live is not None:
            return Step.TRIGGER, local_day(state, live)
        if visit is not None and visit != sw.planned and visit >= today:
            return Step.UPDATE, visit
        if sw.planned is not None and now >= _keep_alive(state, sw.planned):
            return Step.UPDATE, max(visit or today, today)
    return None


def _status(sw: Switch, now: datetime) -> Status | None:
    """The chosen reference's status, `expired` once an unordered one has lapsed."""
    if sw.status is Status.NEW and sw.matched_at and now >= sw.matched_at + REFERENCE_LIFE:
        return Status.EXPIRED
    return sw.status


def _silent_match(state: MigrationState, s: Sent, now: datetime) -> bool:
    """A first match the losing provider has not answered in its 60 s."""
    if s.step is not Step.MATCH or not s.waiting or s.retry_at or s.attempt != 1:
        return False
    p = promises.find(state.promises, s.promise_id or "")
    return p is not None and p.pending and p.breached_at is None and p.due_at <= now


def _send(
    draft: MigrationState,
    req: SwitchRequest,
    step: Step,
    now: datetime,
    on: date | None,
    reference: str | None,
    again: Sent | None,
) -> Effect:
    """Record the request (and the answer time it opens) and the effect that posts it."""
    record = _record(draft)
    key = f"switch-{len(record.sent) + 1}-{step.value.lower()}"
    promise_id = again.promise_id if again else None
    if promise_id is None and step is Step.TRIGGER:
        promise_id = PromiseName.CUT_OVER.value  # its confirmation is the old line released
    elif promise_id is None:
        name, window = ANSWERS[step]
        draft.promises = promises.open_promise(draft.promises, name, now, now + window, key=key)
        promise_id = draft.promises[-1].id
    sent = Sent(
        step=step,
        key=key,
        correlation_id=correlation_id(draft.line_key, draft.chain_id, key),
        at=now,
        attempt=again.attempt + 1 if again else 1,
        promise_id=promise_id,
        reference=reference,
        on=on,
    )
    record.sent.append(sent)
    append_timeline(draft, now, "switch_request_sent", None, words.sent(draft, sent))
    return Effect(kind=EffectKind.SEND_TO_HUB, step=key, message=outgoing(req, sent))


# --- what comes back ----------------------------------------------------------------------


def receive(state: MigrationState, msg: HubMessage, now: datetime) -> Received:
    """Take one message from the hub: a duplicate changes nothing; one that answers no
    request of ours is handed on to the supervisors' list."""
    if state.switch is None:
        return Received(Decision(state=state), "the migration does not switch through the hub")
    if msg.dedupe_key in state.switch.taken:
        return Received(Decision(state=state), None)
    draft = draft_for(state)
    record = _record(draft)
    record.taken.append(msg.dedupe_key)
    sent = record.by_correlation(msg.destination_correlation)
    if sent is None:
        return Received(Decision(state=draft), "it answers no message this migration sent")
    if msg.routing_id == DELIVERY_FAILURE:
        return Received(Decision(state=draft, effects=_undelivered(draft, sent, msg, now)), None)
    step, kind = ROUTINGS.get(msg.routing_id, (None, REQUEST))
    if step is not sent.step or kind == REQUEST:
        why = f"a {msg.routing_id} cannot answer our {routing_id(sent.step)}"
        return Received(Decision(state=draft), why)
    if sent.answered_at is not None:
        append_timeline(draft, now, "switch_answer_repeated", None, words.repeated(draft, sent))
        return Received(Decision(state=draft), None)
    sent.answered_at = now
    if sent.promise_id is not None and sent.step is not Step.TRIGGER:
        draft.promises = promises.fulfil(draft.promises, sent.promise_id, now)
    if kind == CONFIRMATION:
        effects = _confirmed(draft, sent, msg.payload, now)
    else:
        effects = _refused(draft, sent, str(msg.payload.get("faultCode", "")), now)
    return Received(Decision(state=draft, effects=effects), None)


def _confirmed(
    draft: MigrationState, sent: Sent, payload: dict[str, Any], now: datetime
) -> list[Effect]:
    record = _record(draft)
    sent.answer = "confirmed"
    match sent.step:
        case Step.MATCH:
            _matched(draft, sent, payload, now)
        case Step.ORDER | Step.UPDATE:
            record.status = Status.CONFIRMED if sent.step is Step.ORDER else Status.UPDATED
            record.planned = sent.on
            event = "switch_ordered" if sent.step is Step.ORDER else "switch_date_moved"
            append_timeline(draft, now, event, None, words.ordered(draft, sent))
        case Step.TRIGGER:
            _old_service_stopped(draft, sent, now)
        case Step.CANCELLATION:
            record.status = Status.CANCELLED
            append_timeline(draft, now, "switch_cancelled", None, words.cancelled(draft, sent))
    return []


def _matched(draft: MigrationState, sent: Sent, payload: dict[str, Any], now: datetime) -> None:
    req, record = draft.request.switch, _record(draft)
    assert req is not None
    results = [payload["matchResult"]]
    results += [a["matchResult"] for a in payload.get("alternativeSwitchOrders", [])]
    orders = [_order_of(r) for r in results]
    wanted = "OptionToCease" if req.voice is not None else "OptionToRetain"
    chosen = next((o for o in orders if o.option == wanted), None)
    chosen = chosen or next((o for o in orders if o.option is None), orders[0])
    record.orders, record.reference, record.status = orders, chosen.reference, Status.NEW
    record.matched_at, record.planned = now, None
    record.implications = [
        Implication(method=i["sentMethod"], sent_to=i.get("sentTo") or None, sent_by=i["sentBy"])
        for i in payload.get("implicationsSent", [])
    ]
    for other in record.sent:  # the same match sent twice: the first answer stands
        if other.step is Step.MATCH and other.answered_at is None:
            other.answered_at, other.answer = now, "answered under another correlation id"
    append_timeline(draft, now, "switch_matched", None, words.matched(draft, record))


def _order_of(result: dict[str, Any]) -> SwitchOrder:
    services = [
        ServiceFound(
            service_type=s["serviceType"],
            action=s["switchAction"],
            identifiers=[
                f"{i['identifierType']} {i['identifier']}" for i in s.get("serviceIdentifiers", [])
            ],
        )
        for s in result["services"]
    ]
    options = [s.action for s in services if s.action in ("OptionToRetain", "OptionToCease")]
    return SwitchOrder(
        reference=result["switchOrderReference"],
        services=services,
        option=options[0] if options else None,
    )


def _old_service_stopped(draft: MigrationState, sent: Sent, now: datetime) -> None:
    """The trigger confirmed: the losing provider ceases its service (the cut-over)."""
    _record(draft).status = Status.TRIGGERED
    draft.promises = promises.fulfil(draft.promises, PromiseName.CUT_OVER.value, now)
    if draft.stage is Stage.ACTIVATED:
        draft.stage = Stage.COMPLETED
        draft.line_released_at = now
        append_timeline(draft, now, "completed", None, words.stopped(draft, sent))


def _refused(draft: MigrationState, sent: Sent, code: str, now: datetime) -> list[Effect]:
    """The losing provider's fault code: recorded in words; a lapsed reference is matched
    again, a match refused fails the migration, anything else waits for the back office."""
    said = words.fault(code)
    sent.answer = said
    failure = routing_id(sent.step, "Failure")
    append_timeline(draft, now, "switch_refused", None, f"{failure}: {said}")
    record, last = _record(draft), code[-2:]
    if sent.step is Step.MATCH:
        if draft.stage in BEFORE_ACTIVATION:
            return set_final_stage(draft, Stage.FAILED, said, None, now)
        return _halt(draft, said, now)
    if last == "02":
        record.status = Status.EXPIRED  # the next step matches again
        return []
    if sent.step is Step.TRIGGER and last == "04":  # our trigger had landed already
        _old_service_stopped(draft, sent, now)
        return []
    if sent.step is Step.CANCELLATION and last in ("05", "06"):
        record.status = Status.CANCELLED  # nothing (left) to cancel
        return []
    return _halt(draft, said, now)


def _undelivered(draft: MigrationState, sent: Sent, msg: HubMessage, now: datetime) -> list[Effect]:
    """The hub could not deliver our message: tried again later under a new id when that
    can help; otherwise our message or credentials are wrong, and people must act."""
    code = str(msg.payload.get("code", ""))
    said = words.fault(code)
    if code in RETRYABLE:
        sent.retry_at = now + min(RETRY_FIRST * 2 ** (sent.attempt - 1), RETRY_CAP)
        sent.answer = f"{said}; sent again from {at(draft, sent.retry_at)}"
        append_timeline(draft, now, "switch_undelivered", None, sent.answer)
        return []
    sent.given_up, sent.answer = True, said
    append_timeline(draft, now, "switch_undelivered", None, said)
    _drop_answer_time(draft, sent, now)
    return _halt(draft, f"{said}: our message or our credentials are wrong", now)


def not_sent(state: MigrationState, key: str, reason: str, now: datetime) -> Decision:
    """The hub refused to take our message at all (a 400, our credentials refused)."""
    draft = draft_for(state)
    sent = next((s for s in _record(draft).sent if s.key == key), None)
    if sent is None:
        return Decision(state=state)
    sent.given_up = True
    sent.answer = f"the hub refused it: {reason}"
    _drop_answer_time(draft, sent, now)
    return Decision(state=draft, effects=_halt(draft, sent.answer, now))


def _drop_answer_time(draft: MigrationState, sent: Sent, now: datetime) -> None:
    """The losing provider never got the request: it owes no answer to it."""
    if sent.promise_id is None or sent.step is Step.TRIGGER:
        return
    p = promises.find(draft.promises, sent.promise_id)
    if p is not None and p.pending:
        cancelled = p.model_copy(update={"status": PromiseStatus.CANCELLED, "cancelled_at": now})
        draft.promises = [cancelled if q is p else q for q in draft.promises]


def _halt(draft: MigrationState, why: str, now: datetime) -> list[Effect]:
    """No message goes out until people act: the back office hears why, in words."""
    _record(draft).halted = why
    summary = f"level 1 (team lead): the switch through the hub is stopped: {why}"
    notice = escalation.to_back_office("switch", summary, now)
    append_timeline(draft, now, "escalated", None, notice.summary)
    return [append_escalation(draft, notice)]


# --- time ---------------------------------------------------------------------------------


def next_wake(state: MigrationState) -> datetime | None:
    """When the switch next needs the migration awake: a resend, or the day an order's
    reference must be kept alive."""
    sw = state.switch
    if sw is None or sw.halted:
        return None
    times = [s.retry_at for s in sw.sent if s.waiting and s.retry_at is not None]
    ordered = sw.status in (Status.CONFIRMED, Status.UPDATED) and sw.planned is not None
    going = state.stage not in ENDED_SHORT and state.contract_effective_at is None
    if ordered and going and sw.planned is not None and not sw.busy:
        times.append(_keep_alive(state, sw.planned))
    return min(times, default=None)


def _keep_alive(state: MigrationState, planned: date) -> datetime:
    """The start of the day before an ordered reference would lapse."""
    return start_of_day(planned + KEEP_ALIVE_AFTER, _zone(state))


def local_day(state: MigrationState, t: datetime) -> date:
    """The hub's dates are UK local dates: the line's calendar's zone."""
    return t.astimezone(_zone(state)).date()


def _visit_day(state: MigrationState) -> date | None:
    a = state.appointment
    return local_day(state, a.window_start) if a and state.stage is Stage.SCHEDULED else None


def _zone(state: MigrationState) -> ZoneInfo:
    calendar = state.request.calendar
    return calendar.zone if calendar is not None else ZoneInfo("UTC")


def _record(draft: MigrationState) -> Switch:
    assert draft.switch is not None
    return draft.switch
