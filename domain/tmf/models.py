"""TMF622 v4.0.0 resource shapes, written from the published specification.

Only the fields this product reads or answers are modelled; a field the specification does
not have is refused (an order is never half understood). `@type`, `@baseType` and
`@schemaLocation` are TM Forum's extension mechanism: our ProductOrder is a
`LineMigrationProductOrder` adding v5's `milestone` and `jeopardyAlert` to v4's shape.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

BASE_PATH = "/tmf-api/productOrderingManagement/v4"
ORDER_TYPE = "LineMigrationProductOrder"  # our extension of v4's ProductOrder
SCHEMA_PATH = f"{BASE_PATH}/schema/{ORDER_TYPE}.json"
# A CRM's order number: searchable as it is (letters, digits and . _ : / -).
EXTERNAL_ID = r"^[A-Za-z0-9._:/-]{1,200}$"


SPECIAL = {
    "type": "@type",
    "base_type": "@baseType",
    "schema_location": "@schemaLocation",
    "referred_type": "@referredType",
}


def json_name(field: str) -> str:
    return SPECIAL.get(field) or to_camel(field)


class Tmf(BaseModel):
    """JSON names as TM Forum spells them (`@type`, camelCase), Python names in code."""

    model_config = ConfigDict(alias_generator=json_name, populate_by_name=True, extra="forbid")

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Typed(Tmf):
    type: str | None = None
    base_type: str | None = None
    schema_location: str | None = None


class Ref(Typed):
    id: str
    href: str | None = None
    name: str | None = None
    referred_type: str | None = None


class ProductOrderState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIAL = "partial"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"


class TaskState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    TERMINATED_WITH_ERROR = "terminatedWithError"
    IN_PROGRESS = "inProgress"
    DONE = "done"


class Characteristic(Typed):
    name: str
    value: Any
    value_type: str | None = None


class RelatedParty(Typed):
    id: str
    href: str | None = None
    name: str | None = None
    role: str | None = None
    referred_type: str


class RelatedPlace(Typed):
    """RelatedPlaceRefOrValue: `role` is required by the specification."""

    role: str
    id: str | None = None
    href: str | None = None
    name: str | None = None
    referred_type: str | None = None


class Product(Typed):
    """ProductRefOrValue: the product ordered, here the migrated line."""

    id: str | None = None
    href: str | None = None
    name: str | None = None
    description: str | None = None
    product_characteristic: list[Characteristic] = Field(default_factory=list)
    place: list[RelatedPlace] = Field(default_factory=list)
    referred_type: str | None = None


class ProductOrderItem(Typed):
    id: str
    action: Literal["add", "modify", "delete", "noChange"]
    quantity: int | None = None
    product: Product | None = None
    product_offering: Ref | None = None
    state: ProductOrderState | None = None


class Note(Typed):
    id: str | None = None
    author: str | None = None
    date: datetime | None = None
    text: str | None = None


class ProductOrderCreate(Typed):
    """ProductOrder_Create: what a CRM sends to place an order."""

    external_id: str | None = Field(default=None, pattern=EXTERNAL_ID)
    description: str | None = None
    category: str | None = None
    priority: str | None = None
    notification_contact: str | None = None
    requested_start_date: datetime | None = None
    requested_completion_date: datetime | None = None
    note: list[Note] = Field(default_factory=list)
    product_order_item: list[ProductOrderItem]
    related_party: list[RelatedParty] = Field(default_factory=list)


class Milestone(Typed):
    """v5's ProductOrderMilestone: a step the order reached, and when."""

    id: str
    name: str
    description: str | None = None
    message: str | None = None
    milestone_date: datetime
    status: str


class JeopardyAlert(Typed):
    """v5's ProductOrderJeopardyAlert: a promise at risk of breaking, or broken."""

    id: str
    name: str
    jeopardy_type: str
    exception: str | None = None
    message: str | None = None
    alert_date: datetime


class ProductOrder(Typed):
    id: str
    href: str
    external_id: str | None = None
    state: ProductOrderState
    order_date: datetime
    completion_date: datetime | None = None
    cancellation_date: datetime | None = None
    cancellation_reason: str | None = None
    requested_start_date: datetime | None = None
    expected_completion_date: datetime | None = None
    product_order_item: list[ProductOrderItem]
    related_party: list[RelatedParty] = Field(default_factory=list)
    milestone: list[Milestone] = Field(default_factory=list)
    jeopardy_alert: list[JeopardyAlert] = Field(default_factory=list)


class ProductOrderFields(Tmf):
    """A ProductOrder as `fields` selects it: the first-level fields asked, with `id` and
    `href` always (unselected, it is the whole ProductOrder)."""

    model_config = ConfigDict(alias_generator=json_name, populate_by_name=True, extra="allow")

    id: str
    href: str


class ProductOrderPatch(Typed):
    """A merge patch (RFC 7386) of a ProductOrder: every field optional (v4's
    ProductOrder_Update requires productOrderItem: a documented deviation). Only
    `requestedStartDate` may change; any other field present is refused in words."""

    model_config = ConfigDict(alias_generator=json_name, populate_by_name=True, extra="allow")

    requested_start_date: datetime | None = None


class CancelProductOrderCreate(Typed):
    product_order: Ref
    cancellation_reason: str = Field(min_length=1, max_length=500)
    requested_cancellation_date: datetime | None = None


class CancelProductOrder(Typed):
    """Our `LineMigrationCancelProductOrder` adds `errorMessage`: why a cancellation
    ended `terminatedWithError` (too late, in words)."""

    id: str
    href: str | None = None
    state: TaskState
    product_order: Ref
    cancellation_reason: str | None = None
    effective_cancellation_date: datetime | None = None
    requested_cancellation_date: datetime | None = None
    error_message: str | None = None


class Error(Typed):
    code: str
    reason: str
    message: str | None = None
    status: str | None = None
    reference_error: str | None = None


class EventSubscriptionInput(Tmf):
    callback: str = Field(min_length=1, max_length=2000)
    query: str | None = Field(default=None, max_length=2000)


class EventSubscription(Tmf):
    id: str
    callback: str
    query: str | None = None
    # Our extensions: the signing secret, in the answer that creates the subscription only;
    # and whether deliveries are suspended (POST /hub/{id}/resume resumes them).
    secret: str | None = None
    suspended: bool | None = None
    pending_events: int | None = None


EventType = Literal[
    "ProductOrderCreateEvent",
    "ProductOrderStateChangeEvent",
    "ProductOrderAttributeValueChangeEvent",
    "CancelProductOrderStateChangeEvent",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]


class Event(Tmf):
    """A notification as a listener receives it: the order (or cancellation) in `event`."""

    event_id: str
    event_time: datetime
    event_type: EventType
    field_path: str | None = None
    event: dict[str, Any]
