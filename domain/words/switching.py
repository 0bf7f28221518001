"""A switch through the hub in words: each request we sent, each answer, each fault code
(the losing provider's and the hub's), as staff read them in the timeline, the snapshot,
the console and the Web UI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.records import MigrationState
from domain.switching.record import Sent, Step, Switch
from domain.words.staff import when

# What the losing provider says, after "the losing provider" (OTS fault codes).
MATCH_FAULTS = {
    "1101": "says the address is missing or incomplete",
    "1102": "was given no surname",
    "1103": "did not find the account",
    "1104": "found the account closed",
    "1105": "found a service identifier that is not on the account",
    "1106": "did not find the address",
    "1107": "found nobody with service at the address",
    "1108": "found the customer but not the surname",
    "1109": "found several customers who match",
    "1110": "found several matching services at the address",
    "1111": "says a switch is already in progress",
    "1112": "found a data integrity problem",
    "1113": "says the account number's format is invalid",
    "1114": "found the address does not match, despite the account number and another point",
    "1115": "found the address does not match, and no account number was given",
    "1116": "did not find the number",
    "1117": "says the services are missing or invalid",
    "1118": "was given no number to port",
    "1119": "found no broadband or voice service on the account",
    "1120": "did not find the requested service on the matched account",
    "1121": "found the name does not match and the address only nearly",
    "1122": "found the name does not match, and no account number was given",
}
# The last two digits of an order (12xx), update (13xx), trigger (14xx) or cancellation
# (15xx) failure, and the order's own.
ORDER_FAULTS = {
    "01": "says the switch order reference is invalid or missing",
    "02": "says the switch order reference has expired",
    "03": "says the date is invalid or missing",
    "04": "says the switch is already completed",
    "05": "says the switch is already cancelled",
    "06": "says the switch was never ordered",
    "11": "says a switch is already in progress",
    "12": "says the services to cease are no longer active",
    "13": "says the switch order reference is already in use",
    "14": "has an open cease order past its point of no return",
    "15": "has an open modify order past its point of no return",
}
HUB_FAULTS = {
    "9005": "no route to the losing provider",
    "9006": "the message's format was rejected",
    "9007": "the losing provider rejected the message",
    "9008": "delivery timed out",
    "9013": "our API key is invalid",
    "9014": "our API key has expired",
    "9015": "our certificate is invalid",
    "9016": "our certificate has expired",
}
KIND = {
    Step.MATCH: "match",
    Step.ORDER: "order",
    Step.UPDATE: "update",
    Step.TRIGGER: "trigger",
    Step.CANCELLATION: "cancellation",
}


def fault(code: str) -> str:
    """A fault code in words, the code kept: "... found the customer but not the surname
    (1108)"."""
    if code.startswith("9"):
        return f"the hub could not deliver our message: {HUB_FAULTS.get(code, 'refused')} ({code})"
    said = MATCH_FAULTS.get(code) or ORDER_FAULTS.get(code[-2:]) or "refused the request"
    return f"the losing provider {said} ({code})"


def day(state: MigrationState, d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def sent(state: MigrationState, s: Sent) -> str:
    req = state.request.switch
    losing = req.losing_rcpid if req else state.request.losing_operator
    what = f"{KIND[s.step]} request sent to {losing} through the hub"
    if s.reference:
        what += f" for switch order {s.reference}"
    if s.on is not None:
        label = "activation date" if s.step is Step.TRIGGER else "planned switch date"
        what += f", {label} {day(state, s.on)}"
    again = " (sent again)" if s.attempt > 1 else ""
    return f"{what}{again}; correlation id {s.correlation_id}"


def matched(state: MigrationState, record: Switch) -> str:
    req = state.request.switch
    losing = req.losing_rcpid if req else state.request.losing_operator
    chosen = next(o for o in record.orders if o.reference == record.reference)
    services = ", ".join(f"{s.service_type} {s.action}" for s in chosen.services)
    told = "; ".join(
        f"{i.method}{' to ' + i.sent_to if i.sent_to else ''} at {i.sent_by}"
        for i in record.implications
    )
    choice = f", chosen for the voice line ({chosen.option})" if chosen.option else ""
    others = len(record.orders) - 1
    more = f"; {others} other reference{'s' if others > 1 else ''} offered" if others else ""
    return (
        f"{losing} matched the customer: switch order {chosen.reference} ({services}){choice}"
        f"{more}; the customer was told what switching means by {told or 'nobody'}"
    )


def ordered(state: MigrationState, s: Sent) -> str:
    when = day(state, s.on) if s.on else "?"
    verb = "confirmed the switch on" if s.step is Step.ORDER else "moved the switch to"
    return f"the losing provider {verb} {when} (switch order {s.reference})"


def cancelled(state: MigrationState, s: Sent) -> str:
    return (
        f"the losing provider cancelled switch order {s.reference}: its service to the "
        "customer carries on"
    )


def stopped(state: MigrationState, s: Sent) -> str:
    when = day(state, s.on) if s.on else "today"
    return (
        f"the losing provider confirmed the trigger of switch order {s.reference}: its "
        f"service ends, billed up to the day before {when}; the old line is released"
    )


def repeated(state: MigrationState, s: Sent) -> str:
    return f"another answer to the {KIND[s.step]} request {s.correlation_id}: the first stands"


def activity_summary(message: dict[str, Any]) -> str:
    """What the Web UI shows beside the activity that posts a message."""
    envelope = message["envelope"]
    routing = envelope["routingID"]
    payload = message[routing]
    what = routing.removeprefix("residentialSwitch")
    reference = payload.get("switchOrderReference")
    on = payload.get("plannedSwitchDate") or payload.get("activationDate")
    detail = f" {reference}" if reference else ""
    detail += f" for {on}" if on else ""
    return (
        f"One Touch Switch: {what}{detail} to {envelope['destination']['identity']}, "
        f"correlation id {envelope['source']['correlationID']}"
    )


# --- as the losing provider: a customer leaving us ----------------------------------------

SERVICE_WORDS = {"IAS": "broadband", "NBICS": "phone line"}


def _named(services: list[str]) -> str:
    return " and ".join(SERVICE_WORDS.get(s, s) for s in services) or "service"


def matched_out(gaining: str, references: int, services: list[str]) -> str:
    options = (
        f"{references} references (keep or end the phone line)"
        if references > 1
        else "one reference"
    )
    return (
        f"{gaining} asked to take over the customer's {_named(services)}: matched, {options} given"
    )


def implications(surname: str, services: list[str], early_termination_cents: int) -> str:
    """The letter, email or SMS a leaving customer gets before we confirm the match."""
    charge = (
        f" An early termination charge of £{early_termination_cents / 100:.2f} applies."
        if early_termination_cents
        else " No early termination charge applies."
    )
    return (
        f"Dear {surname}, another provider has asked to switch your {_named(services)} from us."
        f" If you go ahead, your {_named(services)} with us will end on the day you switch.{charge}"
        " If you do not go ahead, nothing changes."
    )


def planned_out(gaining: str, reference: str, day: date | None) -> str:
    when = f"{day:%a} {day.day} {day:%b %Y}" if day else "?"
    return f"{gaining} ordered switch order {reference} for {when}"


def triggered_out(gaining: str, reference: str, day: date, services: list[str]) -> str:
    return (
        f"{gaining} triggered switch order {reference}: our {_named(services)} ends on "
        f"{day:%a} {day.day} {day:%b %Y}, billed up to the day before"
    )


def ended(surname: str, services: list[str], day: date) -> str:
    return (
        f"Dear {surname}, your {_named(services)} with us ended on {day:%a} {day.day} {day:%b %Y}"
        " as you switched provider. Your final bill covers up to the day before."
    )


def stays(surname: str) -> str:
    return f"Dear {surname}, your switch away from us was cancelled: nothing changes, your service with us carries on."


def cancelled_out(gaining: str, reference: str) -> str:
    return f"{gaining} cancelled switch order {reference}: the customer stays, nothing ceased"


def lapsed_out(gaining: str, surname: str) -> str:
    return f"the switch to {gaining} lapsed (31 days with no order or no new date): {surname} stays with us"


def late_answer(promise: str, level: int) -> str:
    return f"level {level}: our answer through the hub is late ({promise}): the back office must see why"


def next_out(status: str, lapses: datetime, zone: str) -> str:
    match status:
        case "triggered":
            return "nothing: the customer has switched away, our services ended"
        case "cancelled":
            return "nothing: the switch was cancelled, the customer stays"
        case "lapsed":
            return "nothing: the switch lapsed, the customer stays"
        case "new":
            return f"wait for the gaining provider to order: the references lapse at {when(lapses, zone)}"
        case _:
            return (
                f"wait for the gaining provider's trigger: the order lapses at {when(lapses, zone)}"
            )
