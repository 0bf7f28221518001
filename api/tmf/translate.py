"""A CRM's ProductOrder_Create read as one migration: which characteristic, place and party
carry which of our fields, and each refusal named in the order's own terms."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from domain.tmf.models import ProductOrderCreate, RelatedParty
from domain.tmf.orders import ADDRESS_ROLE, CHARACTERISTICS, CUSTOMER_ROLE
from usecases.errors import Refused
from usecases.proposal import MigrationIn

REQUIRED = ("lineNumber", "migrationCode", "losingOperator", "customerPhone")
# Where each of our fields came from in the order, to name it in a refusal.
SOURCES = {
    ("customer", "name"): "relatedParty(role=customer).name",
    ("customer", "phone"): "productCharacteristic customerPhone",
    ("customer", "email"): "productCharacteristic customerEmail",
    ("line", "number"): "productCharacteristic lineNumber",
    ("line", "migration_code"): "productCharacteristic migrationCode",
    ("line", "area"): "productCharacteristic area",
    ("line", "address"): "place(role=installationAddress).name",
    ("losing_operator",): "productCharacteristic losingOperator",
    ("language",): "productCharacteristic language",
    ("offer",): "productOrderItem.productOffering.id",
}


def refused(message: str) -> Refused:
    return Refused(400, "invalid_request", f"invalid request: {message}")


def migration_of(order: ProductOrderCreate) -> MigrationIn:
    """The migration this order asks for, or a 400 naming the order's field and why."""
    if len(order.product_order_item) != 1 or order.product_order_item[0].action != "add":
        raise refused("productOrderItem: exactly one item, with action add (one line migrated)")
    item = order.product_order_item[0]
    if item.product_offering is None:
        raise refused("productOrderItem.productOffering: the offer's id is required")
    if item.product is None:
        raise refused("productOrderItem.product: the line, as characteristics and a place")
    values: dict[str, Any] = {}
    for c in item.product.product_characteristic:
        if c.name not in CHARACTERISTICS:
            raise refused(
                f"productCharacteristic {c.name}: unknown (known: {', '.join(CHARACTERISTICS)})"
            )
        values[c.name] = c.value
    missing = [name for name in REQUIRED if name not in values]
    if missing:
        raise refused(f"productCharacteristic {missing[0]}: required")
    address = next((p.name for p in item.product.place if p.role == ADDRESS_ROLE), None)
    if address is None:
        raise refused("place: one with role installationAddress, its name the address")
    customer = _customer(order)
    body = {
        "customer": {
            "name": customer.name,
            "phone": values["customerPhone"],
            "email": values.get("customerEmail"),
        },
        "line": {
            "number": values["lineNumber"],
            "address": address,
            "migration_code": values["migrationCode"],
            "area": values.get("area"),
        },
        "losing_operator": values["losingOperator"],
        "offer": item.product_offering.id,
        "requested_start_date": order.requested_start_date.date()
        if order.requested_start_date
        else None,
    }
    if "language" in values:
        body["language"] = values["language"]
    try:
        return MigrationIn.model_validate(body)
    except ValidationError as err:
        first = err.errors()[0]
        where = SOURCES.get(tuple(str(p) for p in first["loc"]), ".".join(map(str, first["loc"])))
        raise refused(f"{where}: {first['msg']}") from err


def customer_party(order: ProductOrderCreate) -> str:
    return _customer(order).id


def _customer(order: ProductOrderCreate) -> RelatedParty:
    party = next((p for p in order.related_party if p.role == CUSTOMER_ROLE), None)
    if party is None or party.referred_type != "Individual" or not party.name:
        raise refused(
            "relatedParty: the customer, with role customer, @referredType Individual, "
            "his id and his name"
        )
    return party
