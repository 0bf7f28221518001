"""Rules levels: what a migration decides by, fixed when it starts and kept for its whole
life, so that a migration started under older rules keeps behaving as it did and its
recorded history replays. Each level adds to the one before; `Rules` answers, by name, each
question the domain and the workflow ask of a level, so no handler compares integers.

A level that no open migration runs any more (`python -m usecases rules-in-use`) can be
deleted with its branches and its recorded histories (CONTRIBUTING.md, "Retiring a rules
level")."""

from __future__ import annotations

from dataclasses import dataclass

# Migrations started before the rainy-day rules (rebooking, no-shows, reinstatement) keep
# the old rules, so that their recorded histories replay unchanged.
LEGACY_RULES = 1
RAINY_DAY_RULES = 2
CUSTOMER_NOTICE_RULES = 3  # and a message to the customer when a promise to him breaks
CALENDAR_RULES = 4  # and windows counted on the migration's calendar
# And visits booked from field service's capacity: slots offered, the earliest counted, a
# manual booking reserving capacity too, a move by the customer owing him nothing.
SLOT_RULES = 5
# And each migration's facts written to the report's read model at every milestone and as
# it closes.
REPORTING_RULES = 6
# And a product order's events (TM Forum) numbered and raised by the migration, and its
# requested start date changeable by the CRM until the visit is booked.
ORDER_EVENT_RULES = 7
# And a product order kept as neutral facts (no URL, no TM Forum document): its events
# carry them, and the edges render TMF622 with their own public address.
NEUTRAL_ORDER_RULES = 8
# And a line whose jurisdiction switches through the One Touch Switch hub (GB) matched,
# ordered, updated, triggered or cancelled there by the migration itself.
SWITCHING_RULES = 9
# And facts written only when a figure changed, carrying only the tables that changed, one
# write waiting at a time (it takes the newest state when its turn comes).
CHANGED_FACTS_RULES = 10
NEWEST = CHANGED_FACTS_RULES


@dataclass(frozen=True)
class Rules:
    """The questions a level answers: each is yes from the level that brought it on."""

    level: int

    @property
    def rebooks_and_reinstates(self) -> bool:
        """A failed or missed visit is rebooked, and a customer left without service keeps
        his restoration promise after the migration ends."""
        return self.level >= RAINY_DAY_RULES

    @property
    def owes_per_missed_appointment(self) -> bool:
        """The missed-appointment sum per appointment missed (before: per breach of the
        visit promise)."""
        return self.level > LEGACY_RULES

    @property
    def tells_the_customer_of_breaches(self) -> bool:
        return self.level >= CUSTOMER_NOTICE_RULES

    @property
    def counts_working_days(self) -> bool:
        """Windows on the line's calendar (working days and hours, holidays, clock stops,
        force majeure, the activation promise); before: elapsed time."""
        return self.level >= CALENDAR_RULES

    @property
    def pays_from_tables(self) -> bool:
        """Compensation from the jurisdiction's dated tables; before: the policy's amounts."""
        return self.level >= CALENDAR_RULES

    @property
    def books_from_slots(self) -> bool:
        """Visits booked into slots field service holds; before: by hand only."""
        return self.level >= SLOT_RULES

    @property
    def writes_facts(self) -> bool:
        """The migration's facts written to the report's read model."""
        return self.level >= REPORTING_RULES

    @property
    def writes_changed_facts_only(self) -> bool:
        """A write only when a figure changed, with only the tables that changed (before:
        every table at every milestone and again at the close)."""
        return self.level >= CHANGED_FACTS_RULES

    @property
    def raises_order_events(self) -> bool:
        """A product order's events raised for its CRM's listeners, its requested start
        changeable until the visit is booked."""
        return self.level >= ORDER_EVENT_RULES

    @property
    def renders_orders_at_the_edge(self) -> bool:
        """An order's events carry its neutral facts; the edge that delivers them renders
        TMF622 (before: the migration rendered them, with the address it was placed from)."""
        return self.level >= NEUTRAL_ORDER_RULES

    @property
    def switches_through_the_hub(self) -> bool:
        """A line that switches by One Touch Switch does so through the hub (before: every
        line through the losing operator's gateway)."""
        return self.level >= SWITCHING_RULES
