"""Le parole per il cliente, in italiano."""

from __future__ import annotations

from domain.models import Language, MissReason, Party, PromiseName, Stage
from domain.words.catalogue import Catalogue, Dates, Messages, StatusPage

IT = Catalogue(
    language=Language.IT,
    dates=Dates(
        days=("lun", "mar", "mer", "gio", "ven", "sab", "dom"),
        months=("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"),
        money="{amount} {symbol}",
        decimal_separator=",",
    ),
    promises={
        PromiseName.CONFIRMATION: "registrare la tua conferma",
        PromiseName.TECHNICIAN_CONTACT: "chiamarti per fissare l'appuntamento con il tecnico",
        PromiseName.REBOOK: "fissare un nuovo appuntamento con il tecnico",
        PromiseName.VISIT: "la visita del tecnico",
        PromiseName.SERVICE_RESTORATION: "ridarti la linea",
        PromiseName.TICKET_ACK: "prendere in carico la tua segnalazione",
        PromiseName.CUT_OVER: "chiudere la vecchia linea",
        PromiseName.ACTIVATION: "attivare la tua nuova linea",
        PromiseName.SWITCH_MATCH: "rispondere alla nostra richiesta di passaggio",
        PromiseName.SWITCH_ORDER: "confermare la data del passaggio",
        PromiseName.SWITCH_UPDATE: "confermare la data del passaggio",
        PromiseName.SWITCH_CANCELLATION: "confermare che il passaggio è annullato",
    },
    parties={
        Party.GAINING_OPERATOR: "Il nostro servizio clienti",
        Party.DISPATCH: "Il nostro servizio tecnico",
        Party.FIELD_TEAM: "Il nostro servizio tecnico",
        Party.LOSING_OPERATOR: "Il tuo vecchio operatore",
        Party.CUSTOMER: "Tu",
    },
    misses={
        MissReason.CUSTOMER_ABSENT: "non eri in casa",
        MissReason.ACCESS_DENIED: "non è stato possibile accedere",
        MissReason.TECHNICAL_PROBLEM: "un nostro problema tecnico",
        MissReason.NOT_FEASIBLE: "la nuova linea non si può realizzare",
        MissReason.TECHNICIAN_NO_SHOW: "il tecnico non è venuto",
        MissReason.MOVED_AT_SHORT_NOTICE: "l'abbiamo spostata con poco preavviso",
    },
    messages=Messages(
        follow="Segui la tua migrazione qui: ",
        confirmed="Abbiamo registrato la tua conferma. Il nostro servizio tecnico ti chiamerà "
        "per fissare la visita entro {by}. La tua linea attuale funziona finché la nuova non "
        "è attiva.",
        visit_booked="La visita del tecnico è fissata per {when}.",
        visit_moved="La visita del tecnico è stata spostata da {was} a {when}.",
        visit_missed="La visita di {when} non si è potuta fare: {why}. Ti chiameremo per un "
        "nuovo appuntamento entro {by}; la tua linea attuale funziona.",
        missed_owed=" Ti riconosciamo {owed} per l'appuntamento mancato.",
        activated="La tua nuova linea è attiva da {at}: il contratto parte oggi. La vecchia "
        "linea verrà chiusa dal tuo vecchio operatore.",
        withdrawn="La tua proposta è stata ritirata senza costi: sulla tua linea attuale non "
        "cambia nulla.",
        withdrawn_reinstating="La tua proposta è stata ritirata senza costi. Abbiamo chiesto "
        "al tuo vecchio operatore di ridarti la linea, e ti aggiorniamo finché non funziona.",
        promise_broken="Non abbiamo mantenuto la promessa di {what} entro {by}. Il caso è "
        "passato al responsabile, che se ne occupa ora. Indennizzo maturato finora: {owed}.",
    ),
    status_page=StatusPage(
        steps=(
            "Proposta",
            "Conferma",
            "Visita fissata",
            "Nuova linea attiva",
            "Vecchia linea chiusa",
        ),
        headlines={
            Stage.PROPOSED: "Aspettiamo la tua conferma",
            Stage.CONFIRMED: "Confermata: ora fissiamo la visita",
            Stage.SCHEDULED: "Visita del tecnico fissata",
            Stage.ACTIVATED: "La tua nuova linea è attiva",
            Stage.COMPLETED: "Migrazione completata",
            Stage.WITHDRAWN: "Proposta ritirata",
            Stage.FAILED: "Migrazione non riuscita",
        },
        promise_status={"kept": "mantenuta", "open": "in corso", "broken": "non mantenuta"},
        owed={
            "missed_appointments": "appuntamenti mancati",
            "without_service": "giorni senza linea",
            "late_activation_per_day": "giorni di ritardo nell'attivazione",
            "late_migration_per_day": "giorni di ritardo nella migrazione",
            "without_service_per_day": "giorni senza linea",
            "missed_appointment": "appuntamenti mancati",
        },
        nothing_due="Non c'è altro da fare.",
        technician_comes="Il tecnico viene da te {when}.",
        owner_will="{who} deve {what} entro {by}.",
        case_escalated=" — il caso è passato ai responsabili, che se ne occupano ora",
        clock_stopped=" — tempo sospeso dal {since} ({why})",
        clock_moved=" — spostata a {by} dopo una sospensione ({why})",
        pause_customer="non eri disponibile per la visita",
        pause_force_majeure="forza maggiore",
        visit_moved="Visita spostata da {was} a {when}",
        reinstating="Abbiamo chiesto al tuo vecchio operatore di ridarti la linea; ti "
        "aggiorniamo qui finché non funziona.",
        withdrawn="Ritirata senza costi ({why}): sulla tua linea attuale non cambia nulla.",
        failed="Non è stato possibile ({why}): la tua linea attuale resta com'è.",
        taken_up="preso in carico {at}",
        to_be_taken_up="ricevuto, da prendere in carico entro {by}",
        reported="Segnalazione ricevuta.",
        expired="Pagina scaduta: riprova.",
        describe_problem="Scrivi il problema (al massimo 500 caratteri).",
        too_many_reports="Hai già segnalato diversi problemi quest'ora: li stiamo guardando.",
        title="La tua migrazione",
        brand="La tua nuova linea",
        hello="Ciao {name}",
        line_ending="Linea che termina con",
        next_step="Prossimo passo",
        where_we_are="A che punto siamo",
        what_we_promised="Le nostre promesse",
        compensation_owed="Indennizzo maturato",
        no_compensation="Nessuno: finora abbiamo mantenuto le promesse.",
        your_reports="Le tue segnalazioni",
        report_a_problem="Segnala un problema",
        send_report="Invia la segnalazione",
        choose_appointment="Scegli il tuo appuntamento",
        move_appointment="Sposta il tuo appuntamento",
        move_until="Puoi spostarlo da qui fino a {until}.",
        show_times="Mostra gli orari liberi",
        show_other_times="Mostra altri orari",
        no_free_slots="Nessun orario libero nelle prossime settimane: ti chiameremo noi.",
        morning="mattina",
        afternoon="pomeriggio",
        appointment_booked="Appuntamento fissato: ti abbiamo inviato un messaggio di conferma.",
        too_many_changes="Hai già cambiato l'appuntamento diverse volte quest'ora: riprova più tardi.",
    ),
)
