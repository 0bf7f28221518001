"""The hub's messages as they travel: one JSON object holding the envelope and, under the
routing id, the payload; every value a string, an optional field omitted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.base import Model
from domain.switching.record import Sent, Step
from domain.switching.request import SwitchRequest, Voice

PREFIX = "residentialSwitch"
REQUEST, CONFIRMATION, FAILURE = "Request", "Confirmation", "Failure"
DELIVERY_FAILURE = "messageDeliveryFailure"
HUB = "TOTSCO"
# The signal a migration takes a hub message by, and the workflow that keeps the messages
# that answer no request of ours (and its signal), for supervisors to see.
MESSAGE_SIGNAL = "hub_message"
UNMATCHED_WORKFLOW_ID = "hub-unmatched-messages"
PARK_SIGNAL = "park"
PARK_ACTIVITY = "switching.park"


def routing_id(step: Step, kind: str = REQUEST) -> str:
    return f"{PREFIX}{step.value}{kind}"


ROUTINGS: dict[str, tuple[Step, str]] = {
    routing_id(step, kind): (step, kind)
    for step in Step
    for kind in (REQUEST, CONFIRMATION, FAILURE)
}
ROUTING_IDS = frozenset([*ROUTINGS, DELIVERY_FAILURE])


class HubMessage(Model):
    """A message the letterbox took, as the migration (or the supervisors' list) sees it."""

    routing_id: str
    source: str  # the sender's RCPID (TOTSCO for the hub itself)
    source_correlation: str | None = None
    destination: str
    destination_correlation: str | None = None
    payload: dict[str, Any]
    audit: dict[str, str] = {}

    @property
    def dedupe_key(self) -> str:
        """Receivers dedupe on the sender and its correlation id; the hub's own failure
        notices have none, so theirs is what they are about and their code."""
        if self.source_correlation:
            return f"{self.source}/{self.source_correlation}"
        code = self.payload.get("code", "")
        return f"{self.source}/{self.destination_correlation}/{code}"

    @classmethod
    def of(cls, body: dict[str, Any]) -> HubMessage:
        """From a posted message that passed its schema."""
        envelope = body["envelope"]
        source, destination = envelope["source"], envelope["destination"]
        routing = envelope["routingID"]
        return cls(
            routing_id=routing,
            source=source["identity"],
            source_correlation=source.get("correlationID") or None,
            destination=destination["identity"],
            destination_correlation=destination.get("correlationID") or None,
            payload=body[routing],
            audit={a["name"]: a["value"] for a in envelope.get("auditData", [])},
        )


class Parked(Model):
    """A message no request of ours asked for: kept where a supervisor sees it."""

    message: HubMessage
    reason: str
    at: datetime | None = None  # when the supervisors' list took it


def outgoing(req: SwitchRequest, sent: Sent) -> dict[str, Any]:
    """The message to post to the hub's letterbox for this request."""
    routing = routing_id(sent.step)
    envelope = {
        "source": {
            "type": "RCPID",
            "identity": req.our_rcpid,
            "correlationID": sent.correlation_id,
        },
        "destination": {"type": "RCPID", "identity": req.losing_rcpid},
        "routingID": routing,
    }
    return {"envelope": envelope, routing: _payload(req, sent)}


def _payload(req: SwitchRequest, sent: Sent) -> dict[str, Any]:
    if sent.step is Step.MATCH:
        return match_payload(req)
    payload = {"switchOrderReference": sent.reference or ""}
    if sent.on is not None:
        field = "activationDate" if sent.step is Step.TRIGGER else "plannedSwitchDate"
        payload[field] = sent.on.isoformat()
    return payload


def match_payload(req: SwitchRequest) -> dict[str, Any]:
    """Broadband ceased; the voice line ported with its number, ceased, or left alone."""
    services: list[dict[str, str]] = [{"serviceType": "IAS", "action": "cease"}]
    if req.voice is not None:
        action = "port" if req.voice is Voice.PORT else "cease"
        services.append({"serviceType": "NBICS", "action": action, "serviceIdentifier": req.number})
    address: dict[str, Any] = {
        "addressLines": req.address.lines,
        "postTown": req.address.post_town,
        "postCode": req.address.post_code,
    }
    if req.address.uprn:
        address = {"uprn": req.address.uprn, **address}
    payload: dict[str, Any] = {"grcpBrandName": req.brand, "name": req.surname}
    if req.account:
        payload["account"] = req.account
    return {**payload, "address": address, "services": services}
