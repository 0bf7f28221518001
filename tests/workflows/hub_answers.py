"""The losing provider's side in workflow tests: answers to the messages a migration sent,
each checked against the schemas as the letterbox would, then handed over as the letterbox
hands them (a signal)."""

from __future__ import annotations

import uuid
from typing import Any

from domain.switching.messages import DELIVERY_FAILURE, HubMessage
from schemas import ots_problems

LOSING = "RLOS"


def reply(request: dict[str, Any], kind: str, payload: dict[str, Any]) -> HubMessage:
    """An answer of this kind to a request, as posted to our letterbox, then taken."""
    envelope = request["envelope"]
    routing = envelope["routingID"].replace("Request", kind)
    posted = {
        "envelope": {
            "source": {"type": "RCPID", "identity": LOSING, "correlationID": str(uuid.uuid4())},
            "destination": {
                "type": "RCPID",
                "identity": envelope["source"]["identity"],
                "correlationID": envelope["source"]["correlationID"],
            },
            "routingID": routing,
        },
        routing: payload,
    }
    if kind == "Failure":
        posted["envelope"]["auditData"] = [{"name": "faultCode", "value": payload["faultCode"]}]
    assert ots_problems(posted) == []
    return HubMessage.of(posted)


def matched(request: dict[str, Any], options: bool = False) -> HubMessage:
    """One reference, or (a broadband match with a voice line) one per voice option."""
    ias = {"serviceType": "IAS", "switchAction": "ServiceFound"}
    result = {"switchOrderReference": str(uuid.uuid4()), "services": [ias]}
    payload: dict[str, Any] = {
        "implicationsSent": [
            {
                "sentMethod": "email",
                "sentTo": "a*******@example.co.uk",
                "sentBy": "2026-12-07 10:00:00",
            }
        ],
        "matchResult": result,
    }
    if options:
        voice = {
            "serviceType": "NBICS",
            "serviceIdentifiers": [{"identifierType": "PartialDN", "identifier": "01"}],
        }
        result["services"] = [ias, {**voice, "switchAction": "OptionToRetain"}]
        other = {
            "switchOrderReference": str(uuid.uuid4()),
            "services": [ias, {**voice, "switchAction": "OptionToCease"}],
        }
        payload["alternativeSwitchOrders"] = [{"matchResult": other}]
    return reply(request, "Confirmation", payload)


STATUS = {
    "residentialSwitchOrderRequest": "confirmed",
    "residentialSwitchOrderUpdateRequest": "updated",
    "residentialSwitchOrderTriggerRequest": "triggered",
    "residentialSwitchOrderCancellationRequest": "cancelled",
}


def confirmed(request: dict[str, Any]) -> HubMessage:
    routing = request["envelope"]["routingID"]
    reference = request[routing]["switchOrderReference"]
    return reply(
        request, "Confirmation", {"switchOrderReference": reference, "status": STATUS[routing]}
    )


def refused(request: dict[str, Any], code: str) -> HubMessage:
    routing = request["envelope"]["routingID"]
    payload = {"faultCode": code, "faultText": f"fault {code}"}
    if "switchOrderReference" in request[routing]:
        payload = {"switchOrderReference": request[routing]["switchOrderReference"], **payload}
    return reply(request, "Failure", payload)


def undelivered(request: dict[str, Any], code: str) -> HubMessage:
    """The hub's notice that it could not deliver our message (no source correlation id)."""
    envelope = request["envelope"]
    posted = {
        "envelope": {
            "source": {"type": "RCPID", "identity": "TOTSCO"},
            "destination": {
                "type": "RCPID",
                "identity": envelope["source"]["identity"],
                "correlationID": envelope["source"]["correlationID"],
            },
            "routingID": DELIVERY_FAILURE,
            "auditData": [{"name": "originalRoutingID", "value": envelope["routingID"]}],
        },
        DELIVERY_FAILURE: {"code": code, "text": f"delivery failed {code}", "severity": "failure"},
    }
    assert ots_problems(posted) == []
    return HubMessage.of(posted)
