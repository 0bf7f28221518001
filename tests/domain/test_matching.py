"""The losing provider's matcher: each fault code where it applies, both voice options, and
the awkward input the public test hub sends (apostrophes, both Unicode forms, Straß,
backticks, a leading quote or backslash, a Welsh town, `&`, 100 address lines, a newline
in the account). Folding: any accent form and any case match; another surname never does."""

from __future__ import annotations

import string
import unicodedata
from typing import Any, Literal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.switching.matching import Matched, fold, match
from domain.switching.subscribers import Subscriber, SubscriberAddress, SubscriberService


def customer(surname: str = "O'Conner", account: str = "LL-1001", **changes: Any) -> Subscriber:
    base = Subscriber(
        account=account,
        surname=surname,
        email="aoife@example.co.uk",
        address=SubscriberAddress(
            lines=["1 High Street"], post_town="Edinburgh", post_code="EH1 1AA"
        ),
        services=[
            SubscriberService(type="IAS"),
            SubscriberService(type="NBICS", identifier="01314960001"),
        ],
    )
    return base.model_copy(update=changes)


def request(name: str = "O'Conner", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "grcpBrandName": "Line Migrations",
        "name": name,
        "address": {
            "addressLines": ["1 High Street"],
            "postTown": "Edinburgh",
            "postCode": "EH1 1AA",
        },
        "services": [{"serviceType": "IAS", "action": "cease"}],
    }
    return body | changes


Form = Literal["NFC", "NFD", "NFKC", "NFKD"]
BROADBAND_ONLY = customer(services=[SubscriberService(type="IAS")])
CASES: list[tuple[str, dict[str, Any], list[Subscriber], str]] = [
    ("no name", request(name=""), [customer()], "1102"),
    (
        "no address",
        request(address={"addressLines": [], "postTown": "Edinburgh", "postCode": ""}),
        [customer()],
        "1101",
    ),
    ("no services", request(services=[]), [customer()], "1117"),
    (
        "an unknown service",
        request(services=[{"serviceType": "IAS", "action": "port"}]),
        [customer()],
        "1117",
    ),
    (
        "a port without the number",
        request(services=[{"serviceType": "NBICS", "action": "port"}]),
        [customer()],
        "1118",
    ),
    ("a newline in the account", request(account="LL-\n1001"), [customer()], "1113"),
    ("a backtick in the account", request(account="LL`1001"), [customer()], "1113"),
    ("an unknown account", request(account="LL-9999"), [customer()], "1103"),
    ("a closed account", request(account="LL-1001"), [customer(status="closed")], "1104"),
    (
        "an address nobody lives at",
        request(),
        [
            customer(
                address=SubscriberAddress(
                    lines=["9 Low Road"], post_town="Leith", post_code="EH6 6AA"
                )
            )
        ],
        "1106",
    ),
    ("nobody with service there", request(), [customer(status="closed")], "1107"),
    ("another surname", request(name="Smith"), [customer()], "1108"),
    ("two of the same name there", request(), [customer(), customer(account="LL-1002")], "1109"),
    (
        "a number not his",
        request(
            services=[
                {"serviceType": "NBICS", "action": "port", "serviceIdentifier": "01314960999"}
            ]
        ),
        [customer()],
        "1116",
    ),
    ("no service at all", request(), [customer(services=[])], "1119"),
    (
        "a voice line he has not",
        request(services=[{"serviceType": "NBICS", "action": "cease"}]),
        [BROADBAND_ONLY],
        "1120",
    ),
    (
        "the account at another address",
        request(account="LL-1001"),
        [
            customer(
                address=SubscriberAddress(
                    lines=["9 Low Road"], post_town="Leith", post_code="EH6 6AA"
                )
            )
        ],
        "1114",
    ),
]


@pytest.mark.parametrize(("why", "asked", "found", "code"), CASES, ids=[c[0] for c in CASES])
def test_each_fault_code_where_it_applies(
    why: str, asked: dict[str, Any], found: list[Subscriber], code: str
) -> None:
    assert match(asked, found) == code


def test_broadband_with_a_voice_line_offers_both_options_with_a_partial_number() -> None:
    found = match(request(), [customer()])
    assert isinstance(found, Matched)
    assert [o.option for o in found.orders] == ["OptionToRetain", "OptionToCease"]
    voice = found.orders[1].services[1]
    assert voice["serviceIdentifiers"] == [{"identifierType": "PartialDN", "identifier": "01"}]


def test_a_port_asked_with_the_number_answers_it_in_full() -> None:
    port = {"serviceType": "NBICS", "action": "port", "serviceIdentifier": "+441314960001"}
    found = match(request(services=[{"serviceType": "IAS", "action": "cease"}, port]), [customer()])
    assert isinstance(found, Matched) and len(found.orders) == 1
    assert found.orders[0].services[1]["serviceIdentifiers"] == [
        {"identifierType": "DN", "identifier": "01314960001"}
    ]


def test_two_customers_told_apart_by_the_number_are_no_guess() -> None:
    other = customer(
        account="LL-1002",
        services=[
            SubscriberService(type="IAS"),
            SubscriberService(type="NBICS", identifier="01314960002"),
        ],
    )
    port = {"serviceType": "NBICS", "action": "port", "serviceIdentifier": "01314960002"}
    found = match(request(services=[port]), [customer(), other])
    assert isinstance(found, Matched) and found.subscriber.account == "LL-1002"


AWKWARD = [
    ("O'Conner", "O’Conner"),
    ("O'Conner", "oconner"),
    ("Starmér", unicodedata.normalize("NFD", "Starmér")),
    ("Strauß", "STRAUSS"),
    ("`Backtick`", "Backtick"),
    ("'Quoted", "Quoted"),
    ("\\Slashed", "Slashed"),
    ("Smith & Jones", "Smith and Jones"),
]


@pytest.mark.parametrize(("held", "sent"), AWKWARD[:7])
def test_awkward_surnames_match_folded(held: str, sent: str) -> None:
    assert isinstance(match(request(name=sent), [customer(surname=held)]), Matched)


def test_an_ampersand_is_not_a_word() -> None:
    held, sent = AWKWARD[7]
    assert match(request(name=sent), [customer(surname=held)]) == "1108"


def test_a_welsh_town_and_an_apostrophe_in_the_address() -> None:
    welsh = SubscriberAddress(
        lines=["Tŷ Newydd", "Heol y Bont"], post_town="Aberbîg", post_code="NP13 2AA"
    )
    asked = request(
        address={
            "addressLines": ["TY NEWYDD", "Heol-y-Bont"],
            "postTown": "ABERBIG",
            "postCode": "np132aa",
        }
    )
    assert isinstance(match(asked, [customer(address=welsh)]), Matched)
    bishops = SubscriberAddress(
        lines=["2 Bishop's Walk"], post_town="BISHOP'S STORTFORD", post_code="CM23 2AA"
    )
    asked = request(
        address={
            "addressLines": ["2 Bishops Walk"],
            "postTown": "Bishop's Stortford",
            "postCode": "CM23 2AA",
        }
    )
    assert isinstance(match(asked, [customer(address=bishops)]), Matched)


def test_a_hundred_address_lines_are_no_trouble() -> None:
    lines = ["1 High Street", *(f"line {i}" for i in range(99))]
    asked = request(address={"addressLines": lines, "postTown": "Edinburgh", "postCode": "EH1 1AA"})
    assert isinstance(match(asked, [customer()]), Matched)


def test_by_uprn_the_address_lines_need_not_agree() -> None:
    held = customer(
        address=SubscriberAddress(
            uprn="10023456789",
            lines=["Flat 2, 5 Castle Terrace"],
            post_town="Edinburgh",
            post_code="EH1 2DP",
        )
    )
    asked = request(
        address={
            "uprn": "10023456789",
            "addressLines": ["5 Castle Terrace"],
            "postTown": "Edinburgh",
            "postCode": "EH1 2DP",
        }
    )
    assert isinstance(match(asked, [held]), Matched)


# Latin letters, accented ones, ß and Welsh's circumflexes: the surnames a UK provider holds.
FORMS: tuple[Form, ...] = ("NFC", "NFD", "NFKC", "NFKD")
NAMES = st.text(
    alphabet=string.ascii_letters + "éèêëáàâäíîïóôöúûüñçåÉÈÁÖÜÑÇßŵŷÂ", min_size=1, max_size=20
)


@given(NAMES, st.sampled_from(FORMS), st.booleans())
def test_any_accent_form_and_any_case_match(name: str, form: Form, upper: bool) -> None:
    sent = unicodedata.normalize(form, name.upper() if upper else name.lower())
    assume(fold(name))
    assert fold(sent) == fold(name)
    assert isinstance(match(request(name=sent), [customer(surname=name)]), Matched)


@given(NAMES, NAMES)
def test_a_different_surname_never_matches(held: str, sent: str) -> None:
    assume(fold(held) and fold(sent) and fold(held) != fold(sent))
    assert match(request(name=sent), [customer(surname=held)]) == "1108"
