"""The customer's dates, amounts and catalogue, in his language.

Shared by the messages we send and the status page, so both say the same thing the same way.
Times are shown in the customer's own zone (his line's calendar), whatever the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.models import Language
from domain.words.catalogue import Catalogue
from domain.words.en import EN
from domain.words.it import IT
from domain.words.staff import MIDDAY

# Migrations started before calendars existed were all Italian lines.
CUSTOMER_TIME = ZoneInfo("Europe/Rome")
CATALOGUES: dict[Language, Catalogue] = {Language.IT: IT, Language.EN: EN}


def words(lang: Language) -> Catalogue:
    return CATALOGUES[lang]


def day(t: datetime, lang: Language, zone: ZoneInfo = CUSTOMER_TIME) -> str:
    local, dates = t.astimezone(zone), words(lang).dates
    return f"{dates.days[local.weekday()]} {local.day} {dates.months[local.month - 1]}"


def moment(t: datetime, lang: Language, zone: ZoneInfo = CUSTOMER_TIME) -> str:
    return f"{day(t, lang, zone)} {t.astimezone(zone):%H:%M}"


def slot(start: datetime, end: datetime, lang: Language, zone: ZoneInfo = CUSTOMER_TIME) -> str:
    """A slot as the customer chooses it: "mar 8 dic, mattina 08:00–13:00"."""
    said = words(lang).status_page
    part = said.morning if start.astimezone(zone).hour < MIDDAY else said.afternoon
    return f"{day(start, lang, zone)}, {part} {start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M}"


def window(start: datetime, end: datetime, lang: Language, zone: ZoneInfo = CUSTOMER_TIME) -> str:
    return f"{moment(start, lang, zone)}–{end.astimezone(zone):%H:%M}"


SYMBOLS = {"EUR": "€", "GBP": "£"}


def money(cents: int, lang: Language, currency: str = "EUR") -> str:
    """An amount as the customer's language writes it, in its own currency (never € for a
    British line)."""
    dates = words(lang).dates
    amount = f"{cents / 100:.2f}".replace(".", dates.decimal_separator)
    return dates.money.format(amount=amount, symbol=SYMBOLS.get(currency, currency))


@dataclass(frozen=True)
class Voice:
    """How we speak to one customer: his language, and his line's time zone."""

    lang: Language
    zone: ZoneInfo

    @property
    def words(self) -> Catalogue:
        return CATALOGUES[self.lang]

    def moment(self, t: datetime) -> str:
        return moment(t, self.lang, self.zone)

    def window(self, start: datetime, end: datetime) -> str:
        return window(start, end, self.lang, self.zone)

    def slot(self, start: datetime, end: datetime) -> str:
        return slot(start, end, self.lang, self.zone)

    def money(self, cents: int, currency: str = "EUR") -> str:
        return money(cents, self.lang, currency)

    def date(self, d: date) -> str:
        """A calendar day (a switch date): "Tue 8 Dec"."""
        return day(datetime.combine(d, time(12), tzinfo=self.zone), self.lang, self.zone)


def voice(lang: Language, time_zone: str | None) -> Voice:
    return Voice(lang, ZoneInfo(time_zone) if time_zone else CUSTOMER_TIME)
