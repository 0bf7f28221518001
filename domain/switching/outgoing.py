"""A switch away from us, as the losing provider: one per customer while it is open, holding
the references its match gave. Each request is checked in the Industry Process's order (x01
reference unknown, x02 lapsed, x03 date, x04 triggered, x05 cancelled, x06 never ordered,
1213 already used; ordering one reference makes its alternatives unusable) and answered;
each answer is a promise of ours in the switch's ledger. Our services end only on trigger,
billed up to the day before; a reference that lapses ends the switch with the customer
staying. Pure: the workflow carries out what each decision lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from domain import escalation, promises
from domain.base import Model
from domain.calendar import Calendar, WorkingDays, due_at, start_of_day
from domain.models import Actor, PromiseName
from domain.records import Escalation, Promise, TimelineEntry
from domain.switching.ids import correlation_id
from domain.switching.matching import Matched
from domain.switching.messages import CONFIRMATION, FAILURE, ROUTINGS, HubMessage, routing_id
from domain.switching.record import Step
from domain.switching.subscribers import Subscriber
from domain.words import switching as words

MATCH_ANSWER = timedelta(seconds=60)
ORDER_ANSWER = timedelta(hours=1)
TRIGGER_ANSWER = WorkingDays(working_days=1)
REFERENCE_LIFE = timedelta(days=31)
ESCALATION_INTERVAL = timedelta(minutes=30)
PLANNED_AHEAD = timedelta(days=180)
PREFIX = {Step.ORDER: "12", Step.UPDATE: "13", Step.TRIGGER: "14", Step.CANCELLATION: "15"}
ANSWERS = {
    Step.MATCH: PromiseName.ANSWER_MATCH,
    Step.ORDER: PromiseName.ANSWER_ORDER,
    Step.UPDATE: PromiseName.ANSWER_UPDATE,
    Step.TRIGGER: PromiseName.ANSWER_TRIGGER,
    Step.CANCELLATION: PromiseName.ANSWER_CANCELLATION,
}
STATUS = {
    Step.ORDER: "confirmed",
    Step.UPDATE: "updated",
    Step.TRIGGER: "triggered",
    Step.CANCELLATION: "cancelled",
}
FINAL = frozenset({"triggered", "cancelled", "lapsed"})


class OutRef(Model):
    reference: str
    option: str | None = None
    services: list[dict[str, Any]]
    status: str = "new"  # new, confirmed, updated, triggered, cancelled, unusable


class Opening(Model):
    """What opening a switch answered: its references, or that one is already open (1111)."""

    references: list[str] = Field(default_factory=list)
    in_progress: bool = False


class Open(Model):
    """A successful match, handed to the customer's switch (the update that opens it)."""

    request: HubMessage
    matched: Matched
    received_at: datetime
    our_rcpid: str
    calendar: Calendar


class Act(Model):
    """One thing the switch does in the world, keyed by `step` within it."""

    kind: Literal["send", "notify", "cease", "bill", "escalate"]
    step: str
    message: dict[str, Any] | None = None
    text: str | None = None
    until: date | None = None  # billed up to and including
    services: list[str] = Field(default_factory=list)
    escalation: Escalation | None = None


class Outgoing(Model):
    switch_id: str
    key: str
    chain_id: str
    our_rcpid: str
    gaining: str
    match: HubMessage
    received_at: datetime
    subscriber: Subscriber
    calendar: Calendar
    references: list[OutRef]
    matched_at: datetime
    status: str = "new"  # new, confirmed, updated, triggered, cancelled, lapsed
    planned: date | None = None
    activation: date | None = None
    implications: list[dict[str, str]] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)
    escalations: list[Escalation] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    taken: list[str] = Field(default_factory=list)
    answers: int = 0

    def ref(self, reference: Any) -> OutRef | None:
        return next((r for r in self.references if r.reference == reference), None)

    @property
    def ordered(self) -> OutRef | None:
        return next((r for r in self.references if r.status not in ("new", "unusable")), None)


def opened(o: Open, switch_id: str, key: str, chain_id: str, now: datetime) -> Outgoing:
    """The switch a match opens: its references derived from it (each names this switch)."""
    refs = [
        OutRef(
            reference=correlation_id(key, chain_id, f"reference-{i}"),
            option=f.option,
            services=f.services,
        )
        for i, f in enumerate(o.matched.orders)
    ]
    state = Outgoing(
        switch_id=switch_id,
        key=key,
        chain_id=chain_id,
        our_rcpid=o.our_rcpid,
        gaining=o.request.source,
        match=o.request,
        received_at=o.received_at,
        subscriber=o.matched.subscriber,
        calendar=o.calendar,
        references=refs,
        matched_at=now,
        taken=[o.request.dedupe_key],
    )
    state.promises = promises.open_promise(
        [], PromiseName.ANSWER_MATCH, o.received_at, o.received_at + MATCH_ANSWER, key="match"
    )
    _log(
        state,
        now,
        "switch_out_matched",
        words.matched_out(state.gaining, len(refs), _services(state)),
    )
    return state


def implications(state: Outgoing) -> tuple[str, list[dict[str, str]]]:
    """What switching means for the customer, and how he is told (email and SMS where we
    have them, else a letter): the text, and each way as the confirmation names it."""
    s = state.subscriber
    text = words.implications(s.surname, _services(state), s.early_termination_cents)
    ways = [{"sentMethod": "email", "sentTo": mask_email(s.email)}] if s.email else []
    ways += [{"sentMethod": "sms", "sentTo": mask_phone(s.mobile)}] if s.mobile else []
    return text, ways or [{"sentMethod": "1st class post"}]


def confirmation(
    state: Outgoing, told: list[dict[str, str]], now: datetime
) -> tuple[Outgoing, Act]:
    """The MatchConfirmation, once the customer has been told."""
    draft = state.model_copy(deep=True)
    sent_by = _hub_time(draft, now)
    draft.implications = [{**t, "sentBy": sent_by} for t in told]
    results = [
        {"switchOrderReference": r.reference, "services": r.services} for r in draft.references
    ]
    payload: dict[str, Any] = {"implicationsSent": draft.implications, "matchResult": results[0]}
    if len(results) > 1:
        payload["alternativeSwitchOrders"] = [{"matchResult": r} for r in results[1:]]
    act = _answer(draft, draft.match, routing_id(Step.MATCH, CONFIRMATION), payload)
    return draft, act


def answered(state: Outgoing, step: Step, now: datetime) -> Outgoing:
    """Our answer is out: the promise to answer is kept."""
    draft = state.model_copy(deep=True)
    pending = [p for p in draft.promises if p.pending and p.name is ANSWERS[step]]
    for p in pending:
        draft.promises = promises.fulfil(draft.promises, p.id, now)
    return draft


def request(state: Outgoing, msg: HubMessage, now: datetime) -> tuple[Outgoing, list[Act]]:
    """An order, update, trigger or cancellation for one of this switch's references."""
    if msg.dedupe_key in state.taken:
        return state, []
    draft = state.model_copy(deep=True)
    draft.taken.append(msg.dedupe_key)
    step, _ = ROUTINGS[msg.routing_id]
    promise_due = (
        due_at(now, TRIGGER_ANSWER, draft.calendar) if step is Step.TRIGGER else now + ORDER_ANSWER
    )
    draft.promises = promises.open_promise(
        draft.promises, ANSWERS[step], now, promise_due, key=f"answer-{draft.answers + 1}"
    )
    reference = msg.payload.get("switchOrderReference")
    code = refusal(draft, step, msg.payload, now)
    if code is not None:
        _log(draft, now, "switch_out_refused", f"{routing_id(step)}: we answer {words.fault(code)}")
        return draft, [_answer(draft, msg, routing_id(step, FAILURE), _fault(msg, code))]
    ref = draft.ref(reference)
    assert ref is not None
    ref.status = STATUS[step]
    draft.status = ref.status
    acts: list[Act] = []
    day = _day(msg.payload, step)
    if step in (Step.ORDER, Step.UPDATE):
        draft.planned = day
        if step is Step.ORDER:
            for other in draft.references:
                if other is not ref:
                    other.status = "unusable"
        _log(
            draft,
            now,
            "switch_out_" + ref.status,
            words.planned_out(draft.gaining, ref.reference, day),
        )
    elif step is Step.TRIGGER:
        assert day is not None
        draft.activation = day
        ceased = [
            s["serviceType"] for s in ref.services if s.get("switchAction") != "OptionToRetain"
        ]
        acts += [
            Act(kind="cease", step="cease", services=ceased, until=day),
            Act(kind="bill", step="final-bill", until=day - timedelta(days=1)),
            Act(
                kind="notify",
                step="ended-notice",
                text=words.ended(draft.subscriber.surname, ceased, day),
            ),
        ]
        _log(
            draft,
            now,
            "switch_out_triggered",
            words.triggered_out(draft.gaining, ref.reference, day, ceased),
        )
    else:
        acts.append(
            Act(kind="notify", step="cancelled-notice", text=words.stays(draft.subscriber.surname))
        )
        _log(draft, now, "switch_out_cancelled", words.cancelled_out(draft.gaining, ref.reference))
    payload = {"switchOrderReference": ref.reference, "status": ref.status}
    acts.append(_answer(draft, msg, routing_id(step, CONFIRMATION), payload))
    return draft, acts


def refusal(state: Outgoing, step: Step, payload: dict[str, Any], now: datetime) -> str | None:
    """The fault code this request gets, checked in the Industry Process's order."""
    prefix = PREFIX[step]
    ref = state.ref(payload.get("switchOrderReference"))
    if ref is None:
        return f"{prefix}01"
    if state.status == "lapsed" or now >= lapses_at(state):
        return f"{prefix}02"
    if step is not Step.CANCELLATION and not _date_ok(state, step, payload, now):
        return f"{prefix}03"
    if ref.status == "triggered":
        return f"{prefix}04"
    if ref.status == "cancelled":
        return f"{prefix}05"
    if step is not Step.ORDER and ref.status in ("new", "unusable"):
        return f"{prefix}06"
    if step is Step.ORDER and ref.status != "new":
        return "1213"
    return None


def lapses_at(state: Outgoing) -> datetime:
    """31 days after the match if never ordered, else after the last planned date."""
    if state.planned is None:
        return state.matched_at + REFERENCE_LIFE
    return start_of_day(state.planned + REFERENCE_LIFE, state.calendar.zone)


def lapse(state: Outgoing, now: datetime) -> Outgoing:
    draft = state.model_copy(deep=True)
    draft.status = "lapsed"
    _log(draft, now, "switch_out_lapsed", words.lapsed_out(draft.gaining, draft.subscriber.surname))
    return draft


def escalate(state: Outgoing, now: datetime) -> tuple[Outgoing, list[Act]]:
    """A late answer of ours climbs the ladder to our back office, each level once."""
    ledger, raised = escalation.due_escalations(state.promises, now, ESCALATION_INTERVAL)
    if not raised:
        return state, []
    draft = state.model_copy(deep=True)
    draft.promises = ledger
    acts = []
    for e in raised:
        worded = e.model_copy(update={"summary": words.late_answer(e.promise, e.level)})
        draft.escalations.append(worded)
        _log(draft, now, "escalated", worded.summary)
        acts.append(
            Act(kind="escalate", step=f"escalation-{len(draft.escalations)}", escalation=worded)
        )
    return draft, acts


def next_wake(state: Outgoing) -> datetime | None:
    times = [t for p in state.promises if (t := promises.next_attention(p, ESCALATION_INTERVAL))]
    if state.status not in FINAL:
        times.append(lapses_at(state))
    return min(times, default=None)


def is_over(state: Outgoing) -> bool:
    return state.status in FINAL and not any(p.pending for p in state.promises)


def _answer(state: Outgoing, msg: HubMessage, routing: str, payload: dict[str, Any]) -> Act:
    """An answer through the hub to the gaining provider's request, under a correlation id
    of its own (derived: a retry sends the same)."""
    state.answers += 1
    step = f"answer-{state.answers}"
    correlation = correlation_id(state.key, state.chain_id, step)
    return Act(
        kind="send", step=step, message=_reply(state.our_rcpid, msg, routing, payload, correlation)
    )


def _reply(
    our_rcpid: str, msg: HubMessage, routing: str, payload: dict[str, Any], correlation: str
) -> dict[str, Any]:
    """Our answer's message: to the request's sender, naming its correlation id (a
    failure's fault code in the audit data too)."""
    envelope: dict[str, Any] = {
        "source": {"type": "RCPID", "identity": our_rcpid, "correlationID": correlation},
        "destination": {
            "type": "RCPID",
            "identity": msg.source,
            "correlationID": msg.source_correlation or "",
        },
        "routingID": routing,
    }
    if routing.endswith(FAILURE):
        envelope["auditData"] = [{"name": "faultCode", "value": payload["faultCode"]}]
    return {"envelope": envelope, routing: payload}


def _fault(msg: HubMessage, code: str) -> dict[str, Any]:
    """A failure's payload: the code in words, and the reference the request named."""
    payload: dict[str, Any] = {"faultCode": code, "faultText": words.fault(code)}
    if ROUTINGS[msg.routing_id][0] is Step.MATCH:
        return payload
    reference = str(msg.payload.get("switchOrderReference") or "missing")
    return {"switchOrderReference": reference, **payload}


def _date_ok(state: Outgoing, step: Step, payload: dict[str, Any], now: datetime) -> bool:
    day = _day(payload, step)
    today = now.astimezone(state.calendar.zone).date()
    if day is None:
        return False
    if step is Step.TRIGGER:
        return day <= today
    return today <= day <= today + PLANNED_AHEAD


def _day(payload: dict[str, Any], step: Step) -> date | None:
    field = "activationDate" if step is Step.TRIGGER else "plannedSwitchDate"
    try:
        return date.fromisoformat(str(payload.get(field, "")))
    except ValueError:
        return None


def _services(state: Outgoing) -> list[str]:
    return sorted({s["serviceType"] for r in state.references for s in r.services})


def _hub_time(state: Outgoing, now: datetime) -> str:
    return now.astimezone(state.calendar.zone).strftime("%Y-%m-%d %H:%M:%S")


def _log(state: Outgoing, at: datetime, event: str, detail: str, by: Actor | None = None) -> None:
    state.timeline.append(
        TimelineEntry(
            at=at,
            event=event,
            actor=by.subject if by else None,
            role=by.role if by else None,
            detail=detail,
        )
    )


def mask_email(email: str) -> str:
    """`j*******@example.com`: the first letter, then stars."""
    user, _, domain = email.partition("@")
    return f"{user[:1]}{'*' * max(len(user) - 1, 1)}@{domain}"


def mask_phone(phone: str) -> str:
    """`077*****123`: the first three digits and the last three."""
    digits = "0" + phone[3:] if phone.startswith("+44") else phone
    return f"{digits[:3]}{'*' * max(len(digits) - 6, 1)}{digits[-3:]}"


class OutgoingView(Model):
    """An outgoing switch as staff follow it (care, supervisors): whose, what, when, where
    it stands, our promises and its timeline in words."""

    switch_id: str
    customer: str
    account: str
    services: list[str]
    gaining: str
    status: str
    planned: date | None
    activation: date | None
    references: list[OutRef]
    implications: list[dict[str, str]]
    promises: list[Promise]
    next_step: str
    timeline: list[TimelineEntry]


def view(state: Outgoing, now: datetime) -> OutgoingView:
    return OutgoingView(
        switch_id=state.switch_id,
        customer=state.subscriber.surname,
        account=state.subscriber.account,
        services=_services(state),
        gaining=state.gaining,
        status=state.status,
        planned=state.planned,
        activation=state.activation,
        references=state.references,
        implications=state.implications,
        promises=state.promises,
        next_step=words.next_out(state.status, lapses_at(state), state.calendar.time_zone),
        timeline=state.timeline,
    )


def listing(state: Outgoing) -> dict[str, Any]:
    """What a list of outgoing switches shows of one (kept in its memo: no query per row)."""
    return {
        "customer": state.subscriber.surname,
        "services": _services(state),
        "gaining": state.gaining,
        "planned": state.planned.isoformat() if state.planned else None,
        "status": state.status,
        "promises": [p.id for p in state.promises if p.pending],
    }


class HubRequest(Model):
    """A request the letterbox took that no open switch of ours takes (a match, or a
    reference no running switch holds)."""

    message: HubMessage
    received_at: datetime
    our_rcpid: str


class OpenAsk(Model):
    """A match made: the application layer opens the customer's switch with it."""

    request: HubMessage
    matched: Matched
    received_at: datetime
    our_rcpid: str


def closed_code(step: Step, status: str | None) -> str:
    """The fault for a request naming a reference no running switch holds: what the switch
    that held it says of it (lapsed x02, triggered x04, cancelled x05), else x01."""
    prefix = PREFIX[step]
    last = {"lapsed": "02", "triggered": "04", "cancelled": "05"}.get(status or "", "01")
    return f"{prefix}{last}"


def failure(our_rcpid: str, msg: HubMessage, code: str, correlation: str) -> dict[str, Any]:
    """A failure answer to a request that opened no switch."""
    routing = routing_id(ROUTINGS[msg.routing_id][0], FAILURE)
    return _reply(our_rcpid, msg, routing, _fault(msg, code), correlation)
