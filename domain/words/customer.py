"""Words for the customer, in Italian or English: dates, promises, parties.

Shared by the messages we send and the status page, so both say the same thing the same way.
Times are shown in Italian time (the customer's), whatever the server's zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.models import Language, MissReason, Party, PromiseName

CUSTOMER_TIME = ZoneInfo("Europe/Rome")

DAYS = {
    Language.IT: ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
    Language.EN: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
MONTHS = {
    Language.IT: [
        "gen",
        "feb",
        "mar",
        "apr",
        "mag",
        "giu",
        "lug",
        "ago",
        "set",
        "ott",
        "nov",
        "dic",
    ],
    Language.EN: [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ],
}


def day(t: datetime, lang: Language) -> str:
    local = t.astimezone(CUSTOMER_TIME)
    return f"{DAYS[lang][local.weekday()]} {local.day} {MONTHS[lang][local.month - 1]}"


def moment(t: datetime, lang: Language) -> str:
    local = t.astimezone(CUSTOMER_TIME)
    return f"{day(t, lang)} {local:%H:%M}"


def window(start: datetime, end: datetime, lang: Language) -> str:
    end_local = end.astimezone(CUSTOMER_TIME)
    return f"{moment(start, lang)}–{end_local:%H:%M}"


def euros(cents: int, lang: Language) -> str:
    amount = f"{cents / 100:.2f}"
    return f"{amount.replace('.', ',')} €" if lang is Language.IT else f"€{amount}"


# What each promise made to the customer is, in his words.
PROMISES: dict[PromiseName, dict[Language, str]] = {
    PromiseName.CONFIRMATION: {
        Language.IT: "registrare la tua conferma",
        Language.EN: "record your confirmation",
    },
    PromiseName.TECHNICIAN_CONTACT: {
        Language.IT: "chiamarti per fissare l'appuntamento con il tecnico",
        Language.EN: "call you to book the technician's visit",
    },
    PromiseName.REBOOK: {
        Language.IT: "fissare un nuovo appuntamento con il tecnico",
        Language.EN: "book a new technician's visit",
    },
    PromiseName.VISIT: {
        Language.IT: "la visita del tecnico",
        Language.EN: "the technician's visit",
    },
    PromiseName.SERVICE_RESTORATION: {
        Language.IT: "ridarti la linea",
        Language.EN: "give you a working line again",
    },
    PromiseName.TICKET_ACK: {
        Language.IT: "prendere in carico la tua segnalazione",
        Language.EN: "take up your report",
    },
    PromiseName.CUT_OVER: {
        Language.IT: "chiudere la vecchia linea",
        Language.EN: "close the old line",
    },
}

PARTIES: dict[Party, dict[Language, str]] = {
    Party.GAINING_OPERATOR: {
        Language.IT: "Il nostro servizio clienti",
        Language.EN: "Our customer service",
    },
    Party.DISPATCH: {Language.IT: "Il nostro servizio tecnico", Language.EN: "Our field service"},
    Party.FIELD_TEAM: {Language.IT: "Il nostro servizio tecnico", Language.EN: "Our field service"},
    Party.LOSING_OPERATOR: {
        Language.IT: "Il tuo vecchio operatore",
        Language.EN: "Your old operator",
    },
    Party.CUSTOMER: {Language.IT: "Tu", Language.EN: "You"},
}

MISSES: dict[MissReason, dict[Language, str]] = {
    MissReason.CUSTOMER_ABSENT: {Language.IT: "non eri in casa", Language.EN: "nobody was at home"},
    MissReason.ACCESS_DENIED: {
        Language.IT: "non è stato possibile accedere",
        Language.EN: "the technician could not get access",
    },
    MissReason.TECHNICAL_PROBLEM: {
        Language.IT: "un nostro problema tecnico",
        Language.EN: "a technical problem on our side",
    },
    MissReason.NOT_FEASIBLE: {
        Language.IT: "la nuova linea non si può realizzare",
        Language.EN: "the new line cannot be built",
    },
    MissReason.TECHNICIAN_NO_SHOW: {
        Language.IT: "il tecnico non è venuto",
        Language.EN: "the technician did not come",
    },
    MissReason.MOVED_AT_SHORT_NOTICE: {
        Language.IT: "l'abbiamo spostata con poco preavviso",
        Language.EN: "we moved it at short notice",
    },
}
