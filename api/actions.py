"""Every staff action at the edge, in one table: its request body, the workflow's command and
update, who may do it, its REST route and its console form.

The REST routes (`api/routes/actions.py`), the console (`api/console/actions.py`) and so the
OpenAPI document all read `ACTIONS`; adding an action is one entry here plus its command's
handler in `domain/handlers/` (`api/staff_action.py` holds what an entry is, and how both
edges perform it). `tests/api/test_actions.py` compares the table with the
domain's commands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.staff_action import StaffAction
from domain.commands import (
    AcknowledgeTicket,
    BookSlot,
    BookVisit,
    Confirm,
    ConfirmLineRelease,
    ConfirmServiceRestored,
    OfferSlots,
    OpenTicket,
    ReportServiceLoss,
    ReportVisit,
    Withdraw,
)
from domain.models import Role, Stage
from domain.views import Snapshot
from usecases.requests import (
    AcknowledgementIn,
    AppointmentIn,
    ConfirmationIn,
    LineReleaseIn,
    ServiceLossIn,
    ServiceRestoredIn,
    SlotChoiceIn,
    SlotOffersIn,
    TicketIn,
    VisitIn,
    WithdrawalIn,
)
from workflows.line_migration import LineMigrationWorkflow as Wf

BEFORE_ACTIVATION = frozenset({Stage.PROPOSED, Stage.CONFIRMED, Stage.SCHEDULED})


def _stage_in(*stages: Stage) -> Callable[[Snapshot], bool]:
    return lambda snap: snap.stage in stages


CONFIRM = StaffAction(
    name="confirm",
    body=ConfirmationIn,
    command=Confirm,
    update=Wf.confirm,
    roles=frozenset({Role.SALES, Role.CARE}),
    path="/confirmation",
    tags=("sales", "care"),
    doc="Record the customer's confirmation: once, whoever calls and however often.",
    form="confirm",
    label="Confirmation",
    done="Confirmation recorded.",
    offered=_stage_in(Stage.PROPOSED),
)

WITHDRAW = StaffAction(
    name="withdraw",
    body=WithdrawalIn,
    command=Withdraw,
    update=Wf.withdraw,
    roles=frozenset({Role.SALES, Role.CARE}),
    path="/withdrawal",
    tags=("sales", "care"),
    doc="Withdraw at no cost before activation; everything requested is cancelled.",
    form="withdraw",
    label="Withdrawal",
    done="Proposal withdrawn.",
    offered=_stage_in(*BEFORE_ACTIVATION),
)

SLOT_OFFERS = StaffAction(
    name="slot-offers",
    body=SlotOffersIn,
    command=OfferSlots,
    update=Wf.offer_slots,
    roles=frozenset({Role.DISPATCH, Role.CARE}),
    path="/slot-offers",
    tags=("dispatch", "care"),
    doc="Ask field service for free slots on the line's working days, from the day the "
    "customer asked for: the offer is recorded (its earliest slot counts if the customer "
    "later chooses another) and is what a booking chooses from.",
    form="slot-offers",
    label="Available slots",
    done="Slots offered.",
    offered=_stage_in(Stage.CONFIRMED, Stage.SCHEDULED),
    status_code=201,
)

APPOINTMENT = StaffAction(
    name="appointment",
    body=SlotChoiceIn,
    command=BookSlot,
    update=Wf.book_slot,
    roles=frozenset({Role.DISPATCH, Role.CARE}),
    path="/appointment",
    tags=("dispatch", "care"),
    doc="Book the visit into a slot of the latest offer, move it, or rebook a failed one: "
    "field service holds and confirms the slot and assigns the technician. A slot taken "
    "meanwhile answers 409 with fresh slots in `error.details.slots`.",
    form="appointment",
    label="Book the visit",
    done="Visit booked.",
    offered=lambda snap: (
        snap.stage in (Stage.CONFIRMED, Stage.SCHEDULED) and snap.slot_offer is not None
    ),
)

BOOK = StaffAction(
    name="book",
    body=AppointmentIn,
    command=BookVisit,
    update=Wf.book_visit,
    roles=frozenset({Role.SUPERVISOR}),
    path="/appointment/manual",
    tags=("supervisors and auditors",),
    doc="Emergencies: book (or move) the visit for a named technician and window. Field "
    "service still reserves him, and refuses (409) if he is booked elsewhere then.",
    form="book",
    label="Manual booking (emergency)",
    done="Visit booked.",
    offered=_stage_in(Stage.CONFIRMED, Stage.SCHEDULED),
)

VISIT = StaffAction(
    name="visit",
    body=VisitIn,
    command=ReportVisit,
    update=Wf.report_visit,
    roles=frozenset({Role.TECHNICIAN}),
    path="/visit",
    tags=("technicians",),
    doc="The assigned technician reports the visit: activation starts the contract; a "
    "failure names its reason and is rebooked unless the line cannot be built.",
    form="visit",
    label="Visit report",
    done="Visit reported.",
    offered=_stage_in(Stage.SCHEDULED),
)

SERVICE_LOSS = StaffAction(
    name="service-loss",
    body=ServiceLossIn,
    command=ReportServiceLoss,
    update=Wf.report_service_loss,
    roles=frozenset({Role.OPERATOR, Role.CARE}),
    path="/service-loss",
    tags=("losing operator", "care"),
    doc="The customer has no service: top escalation at once, restoration promise started.",
    form="service-loss",
    label="Service loss",
    done="Service loss recorded: escalated to the top.",
    offered=lambda snap: snap.stage in BEFORE_ACTIVATION and not snap.customer_without_service,
)

SERVICE_RESTORED = StaffAction(
    name="service-restored",
    body=ServiceRestoredIn,
    command=ConfirmServiceRestored,
    update=Wf.confirm_service_restored,
    roles=frozenset({Role.OPERATOR, Role.CARE, Role.TECHNICIAN}),
    path="/service-restored",
    tags=("losing operator", "care", "technicians"),
    doc="The customer has service again (old line reinstated, or the new one active): the "
    "restoration promise is kept, and a migration that already ended can close.",
    form="service-restored",
    label="Service restored",
    done="Service restored.",
    offered=lambda snap: snap.customer_without_service,
)

LINE_RELEASE = StaffAction(
    name="line-release",
    body=LineReleaseIn,
    command=ConfirmLineRelease,
    update=Wf.confirm_line_release,
    roles=frozenset({Role.OPERATOR}),
    path="/line-release",
    tags=("losing operator",),
    doc="The losing operator confirms the old line is released: the migration completes.",
    form="line-release",
    label="Old line released",
    done="Old line released.",
    offered=_stage_in(Stage.ACTIVATED),
)

TICKET = StaffAction(
    name="ticket",
    body=TicketIn,
    command=OpenTicket,
    update=Wf.open_ticket,
    roles=frozenset({Role.CARE, Role.SALES, Role.TECHNICIAN}),
    path="/tickets",
    tags=("care",),
    doc="File what the customer said, from any channel; it reaches the field team.",
    form="ticket",
    label="Ticket",
    done="Ticket opened.",
    offered=lambda snap: True,
    status_code=201,
)

ACKNOWLEDGE = StaffAction(
    name="ack",
    body=AcknowledgementIn,
    command=AcknowledgeTicket,
    update=Wf.acknowledge_ticket,
    roles=frozenset({Role.TECHNICIAN, Role.DISPATCH}),
    path="/tickets/{ticket_id}/acknowledgement",
    tags=("technicians", "dispatch"),
    doc="The field team has read the ticket: whoever opened it sees by whom and when.",
    form="acknowledge",
    label="Acknowledgement",
    done="Ticket acknowledged.",
    offered=None,
)

# Typed one by one above (mypy checks each command against its update), listed here.
ACTIONS: tuple[StaffAction[Any, Any, Any], ...] = (
    # In the order the console offers them: the step that moves the migration first.
    VISIT,
    APPOINTMENT,
    SLOT_OFFERS,
    CONFIRM,
    LINE_RELEASE,
    SERVICE_RESTORED,
    SERVICE_LOSS,
    TICKET,
    WITHDRAW,
    BOOK,
    ACKNOWLEDGE,
)
BY_FORM = {a.form: a for a in ACTIONS}
