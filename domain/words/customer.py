"""The customer's dates, amounts and catalogue, in his language.

Shared by the messages we send and the status page, so both say the same thing the same way.
Times are shown in Italian time (the customer's), whatever the server's zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.models import Language
from domain.words.catalogue import Catalogue
from domain.words.en import EN
from domain.words.it import IT

CUSTOMER_TIME = ZoneInfo("Europe/Rome")
CATALOGUES: dict[Language, Catalogue] = {Language.IT: IT, Language.EN: EN}


def words(lang: Language) -> Catalogue:
    return CATALOGUES[lang]


def day(t: datetime, lang: Language) -> str:
    local, dates = t.astimezone(CUSTOMER_TIME), words(lang).dates
    return f"{dates.days[local.weekday()]} {local.day} {dates.months[local.month - 1]}"


def moment(t: datetime, lang: Language) -> str:
    local = t.astimezone(CUSTOMER_TIME)
    return f"{day(t, lang)} {local:%H:%M}"


def window(start: datetime, end: datetime, lang: Language) -> str:
    end_local = end.astimezone(CUSTOMER_TIME)
    return f"{moment(start, lang)}–{end_local:%H:%M}"


SYMBOLS = {"EUR": "€", "GBP": "£"}


def money(cents: int, lang: Language, currency: str = "EUR") -> str:
    """An amount as the customer's language writes it, in its own currency (never € for a
    British line)."""
    dates = words(lang).dates
    amount = f"{cents / 100:.2f}".replace(".", dates.decimal_separator)
    return dates.money.format(amount=amount, symbol=SYMBOLS.get(currency, currency))
