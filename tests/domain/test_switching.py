"""The gaining side of a switch through the hub, pure: correlation ids that carry the line's
key, messages that keep their schema, fault codes in words, and the customer's words."""

from __future__ import annotations

import uuid
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain import lifecycle, views
from domain.records import MigrationState
from domain.rules import NEWEST
from domain.switching import flow
from domain.switching.ids import correlation_id, line_key_of
from domain.words import status_page
from domain.words.switching import fault
from schemas import ots_problems
from tests.builders import T0, gb_request
from tests.workflows import hub_answers as losing

HEX24 = st.text(alphabet="0123456789abcdef", min_size=24, max_size=24)


@given(HEX24, st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_correlation_id_carries_the_line_key_back(key: str, chain: str, step: str) -> None:
    found = correlation_id(key, chain, step)
    assert uuid.UUID(found).version == 8
    assert line_key_of(found) == key
    assert correlation_id(key, chain, step) == found  # a retry sends the same id


@given(HEX24, st.text(min_size=1, max_size=40))
def test_each_step_has_its_own_correlation_id(key: str, chain: str) -> None:
    ids = {correlation_id(key, chain, f"switch-{n}-match") for n in range(1, 20)}
    assert len(ids) == 19


def test_anyone_else_s_correlation_id_names_no_line() -> None:
    assert line_key_of(str(uuid.uuid4())) is None
    assert line_key_of("x" * 256) is None
    assert line_key_of("") is None


def gb_state() -> MigrationState:
    return lifecycle.propose("mig-1", "run-1", "a" * 24, "dario", gb_request(), T0, NEWEST)


def test_the_match_we_send_keeps_its_schema_and_its_answer_moves_the_switch() -> None:
    decision = flow.advance(gb_state(), T0)
    (effect,) = decision.effects
    assert effect.message is not None and ots_problems(effect.message) == []
    assert flow.advance(decision.state, T0).effects == []  # one waits for its answer at a time
    answer = losing.matched(effect.message)
    received = flow.receive(decision.state, answer, T0 + timedelta(seconds=2))
    assert received.unmatched is None
    state = received.decision.state
    assert state.switch is not None and state.switch.status is not None
    snap = views.snapshot(state, T0)
    lines = status_page.view(snap, T0).switching
    assert lines == [
        "RLOS, your current provider, has found your account: we have asked to take over your line."
    ]
    again = flow.receive(state, answer, T0 + timedelta(seconds=3))
    assert again.decision.state is state  # a duplicate changes nothing


def test_an_answer_to_nothing_we_sent_is_for_the_supervisors() -> None:
    decision = flow.advance(gb_state(), T0)
    (effect,) = decision.effects
    assert effect.message is not None
    stranger = losing.matched(effect.message).model_copy(
        update={"destination_correlation": "other"}
    )
    received = flow.receive(decision.state, stranger, T0)
    assert received.unmatched == "it answers no message this migration sent"


def test_a_malformed_message_is_named_field_by_field() -> None:
    decision = flow.advance(gb_state(), T0)
    (effect,) = decision.effects
    assert effect.message is not None
    message = dict(effect.message)
    message["envelope"] = {
        **message["envelope"],
        "source": {**message["envelope"]["source"], "correlationID": "c" * 257},
    }
    assert any("longer than 256 bytes" in p for p in ots_problems(message))
    message["envelope"]["source"]["correlationID"] = "c" * 256
    assert ots_problems(message) == []
    message["envelope"]["routingID"] = "Silly"
    assert ots_problems(message) == ["envelope.routingID: unknown routing id 'Silly'"]


def test_fault_codes_in_words() -> None:
    assert fault("1108") == "the losing provider found the customer but not the surname (1108)"
    assert fault("1302") == "the losing provider says the switch order reference has expired (1302)"
    assert fault("9013") == "the hub could not deliver our message: our API key is invalid (9013)"
