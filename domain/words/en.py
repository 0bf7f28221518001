"""The customer's words, in English."""

from __future__ import annotations

from domain.models import Language, MissReason, Party, PromiseName, Stage
from domain.words.catalogue import Catalogue, Dates, Messages, StatusPage

EN = Catalogue(
    language=Language.EN,
    dates=Dates(
        days=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        money="{symbol}{amount}",
        decimal_separator=".",
    ),
    promises={
        PromiseName.CONFIRMATION: "record your confirmation",
        PromiseName.TECHNICIAN_CONTACT: "call you to book the technician's visit",
        PromiseName.REBOOK: "book a new technician's visit",
        PromiseName.VISIT: "the technician's visit",
        PromiseName.SERVICE_RESTORATION: "give you a working line again",
        PromiseName.TICKET_ACK: "take up your report",
        PromiseName.CUT_OVER: "close the old line",
        PromiseName.ACTIVATION: "activate your new line",
    },
    parties={
        Party.GAINING_OPERATOR: "Our customer service",
        Party.DISPATCH: "Our field service",
        Party.FIELD_TEAM: "Our field service",
        Party.LOSING_OPERATOR: "Your old operator",
        Party.CUSTOMER: "You",
    },
    misses={
        MissReason.CUSTOMER_ABSENT: "nobody was at home",
        MissReason.ACCESS_DENIED: "the technician could not get access",
        MissReason.TECHNICAL_PROBLEM: "a technical problem on our side",
        MissReason.NOT_FEASIBLE: "the new line cannot be built",
        MissReason.TECHNICIAN_NO_SHOW: "the technician did not come",
        MissReason.MOVED_AT_SHORT_NOTICE: "we moved it at short notice",
    },
    messages=Messages(
        follow="Follow your migration here: ",
        confirmed="We recorded your confirmation. Our field service will call you to book the "
        "visit by {by}. Your current line keeps working until the new one is active.",
        visit_booked="Your technician's visit is booked for {when}.",
        visit_moved="Your technician's visit has moved from {was} to {when}.",
        visit_missed="Your visit of {when} could not take place: {why}. We will call you to "
        "book a new one by {by}; your current line keeps working.",
        missed_owed=" We owe you {owed} for the missed appointment.",
        activated="Your new line is active since {at}: your contract starts today. Your old "
        "operator will now close the old line.",
        withdrawn="Your proposal was withdrawn at no cost: nothing changes on your current line.",
        withdrawn_reinstating="Your proposal was withdrawn at no cost. We asked your old "
        "operator to give you your line back, and we keep you posted until it works.",
        promise_broken="We did not keep our promise to {what} by {by}. The case has gone to "
        "the team lead, who is on it now. Compensation owed so far: {owed}.",
    ),
    status_page=StatusPage(
        steps=("Proposal", "Confirmation", "Visit booked", "New line active", "Old line closed"),
        headlines={
            Stage.PROPOSED: "Waiting for your confirmation",
            Stage.CONFIRMED: "Confirmed: now we book the visit",
            Stage.SCHEDULED: "Technician's visit booked",
            Stage.ACTIVATED: "Your new line is active",
            Stage.COMPLETED: "Migration completed",
            Stage.WITHDRAWN: "Proposal withdrawn",
            Stage.FAILED: "Migration not possible",
        },
        promise_status={"kept": "kept", "open": "open", "broken": "broken"},
        owed={
            "missed_appointments": "missed appointments",
            "without_service": "days without service",
            "late_activation_per_day": "days of late activation",
            "late_migration_per_day": "days of late migration",
            "without_service_per_day": "days without service",
            "missed_appointment": "missed appointments",
        },
        nothing_due="Nothing more is due.",
        technician_comes="The technician comes to you {when}.",
        owner_will="{who} will {what} by {by}.",
        case_escalated=" — the case has gone to our managers, who are on it now",
        clock_stopped=" — on hold since {since} ({why})",
        clock_moved=" — moved to {by} after a pause ({why})",
        pause_customer="you were not available for the visit",
        pause_force_majeure="force majeure",
        visit_moved="Visit moved from {was} to {when}",
        reinstating="We asked your old operator to give you your line back; this page follows "
        "it until it works.",
        withdrawn="Withdrawn at no cost ({why}): nothing changes on your current line.",
        failed="It was not possible ({why}): your current line stays as it is.",
        taken_up="taken up {at}",
        to_be_taken_up="received, to be taken up by {by}",
        reported="Report received.",
        expired="This page expired: try again.",
        describe_problem="Describe the problem (500 characters at most).",
        too_many_reports="You already reported several problems this hour: we are on them.",
        title="Your migration",
        brand="Your new line",
        hello="Hello {name}",
        line_ending="Line ending in",
        next_step="Next step",
        where_we_are="Where we are",
        what_we_promised="What we promised you",
        compensation_owed="Compensation owed to you",
        no_compensation="None: so far we kept our promises.",
        your_reports="Your reports",
        report_a_problem="Report a problem",
        send_report="Send the report",
    ),
)
