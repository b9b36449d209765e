"""Registering a contact, the contact with its decision, and overriding the decision with a reason."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.clock import to_stockholm
from nara.shared.personnummer import is_valid

from ...domain.contacts import REASON_PROBLEMS, ContactRefused
from ...domain.engine import RED_FLAG_KINDS
from ...domain.overrides import OverrideProblem
from ...domain.patient import PatientFacts, Respondent, birth_date_of_personnummer, sex_of_personnummer
from ...domain.refusals import WrongState
from ...service import contacts
from ..fields import check_override_reason
from ..problems import status_of
from ..transactions import idempotency_caller, run_once, units_of
from .common import (
    ConsoleRoute,
    future_bookings,
    in_transaction,
    monitor_clock,
    monitor_note,
    now_of,
    page,
    policy_of,
    see_other,
)
from .guarantee import shown_guarantee
from .html import (
    EMPTY,
    Choice,
    Safe,
    button,
    checkboxes,
    fmt,
    form,
    hidden,
    join,
    link_button,
    radios,
    select,
    text_input,
    textarea,
    when,
)
from .session import CurrentStaff, Staff, checked_form
from .swedish import (
    CARE_LEVELS,
    CLOSE_REASONS,
    PROFESSIONS,
    REGISTER_CHANNELS,
    URGENCIES,
    date_time,
    label,
    parse_time,
    unit_name,
)
from .views import contact_summary, decision_panel, personnummer_text, slot_label

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
# Care levels whose natural next step is closing the contact, and with which reason.
CLOSE_FIRST = {"self_care": "self_care", "call_112": "emergency_department", "emergency_now": "emergency_department"}


async def open_contact(request: Request, staff: Staff, contact_id: uuid.UUID) -> dict:
    """One contact with its triage history; the use case logs the read."""
    return await in_transaction(
        request, lambda c: contacts.open_contact(c, staff.caller, contact_id, now_of(request), policy_of(request))
    )


def facts_of(request: Request, contact: dict) -> PatientFacts:
    """Age, age in months and sex from the personnummer; a guardian answered for a child they registered."""
    return PatientFacts.born(
        birth_date_of_personnummer(contact["personnummer"]),
        to_stockholm(now_of(request)).date(),
        sex_of_personnummer(contact["personnummer"]),
        Respondent.GUARDIAN if contact.get("registered_by_guardian") else None,
    )


def age_of(request: Request, contact: dict) -> int:
    return facts_of(request, contact).age


def reason_title(request: Request, code: str | None) -> str:
    reason = request.app.state.guidelines.current().reason(code) if code else None
    return reason.title if reason else "Ej vald"


def latest_triage(contact: dict) -> dict | None:
    return contact["triage_history"][-1] if contact["triage_history"] else None


def reason_options(request: Request) -> list[Choice]:
    reasons = sorted(request.app.state.guidelines.current().reasons.values(), key=lambda r: r.title)
    return [Choice("", "Välj kontaktorsak")] + [Choice(r.code, r.title) for r in reasons]


# --- Register ---------------------------------------------------------------------------------------------------


def _register_form(
    request: Request, staff: Staff, values: dict, errors: dict[str, str], status_code: int = 200
) -> Response:
    units = [Choice(u, unit_name(u)) for u in staff.units]
    channels = [Choice(code, text, hint) for code, (text, hint) in REGISTER_CHANNELS.items()]
    content = join(
        [
            text_input(
                "personnummer",
                "Patientens personnummer",
                value=values.get("personnummer", ""),
                error=errors.get("personnummer"),
                hint="12 siffror: ÅÅÅÅMMDD-NNNN.",
                width="20",
                inputmode="numeric",
                spellcheck=False,
            ),
            radios(
                "kanal", "Hur sökte patienten vård?", channels, checked=values.get("kanal"), error=errors.get("kanal")
            ),
            radios(
                "enhet",
                "Enhet",
                units,
                checked=values.get("enhet") or (staff.units[0] if len(units) == 1 else None),
                error=errors.get("enhet"),
            ),
            select(
                "orsak",
                "Vad gäller kontakten?",
                reason_options(request),
                selected=values.get("orsak", ""),
                error=errors.get("orsak"),
                hint="Du kan skriva början av ordet för att hoppa i listan.",
            ),
            hidden("nyckel", values.get("nyckel") or str(uuid.uuid4())),  # a form sent twice registers one contact
            button("Registrera kontakt"),
        ]
    )
    body = fmt(
        '<h1 class="heading-l">Ny kontakt</h1><p class="body">Registrera ett telefonsamtal eller ett besök i '
        "receptionen. Vårdgarantins klocka startar nu. Var patienten är listad hämtas från "
        "listningsregistret; är listningen okänd visas det på kontakten, så att du kan registrera den.</p>"
        "$form",
        form=form("/console/kontakter/ny", staff.csrf, content),
    )
    ordered = [
        (f, errors[f]) if f != "_" else (None, errors[f])
        for f in ("personnummer", "kanal", "enhet", "orsak", "_")
        if f in errors
    ]
    return page(
        request, title="Ny kontakt", body=body, staff=staff, active="ny", errors=ordered, status_code=status_code
    )


@router.get("/kontakter/ny")
async def register_page(request: Request, staff: CurrentStaff) -> Response:
    return _register_form(request, staff, {}, {})


@router.post("/kontakter/ny")
async def register(request: Request, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
    values = {name: submitted.get(name) for name in ("personnummer", "kanal", "enhet", "orsak", "nyckel")}
    errors = {}
    if not values["personnummer"]:
        errors["personnummer"] = "Skriv patientens personnummer."
    elif not is_valid(values["personnummer"]):
        errors["personnummer"] = "Personnumret stämmer inte. Skriv det med 12 siffror, ÅÅÅÅMMDD-NNNN."
    if values["kanal"] not in REGISTER_CHANNELS:
        errors["kanal"] = "Välj om patienten ringde eller kom till receptionen."
    if values["enhet"] not in staff.units:
        errors["enhet"] = "Välj vilken enhet kontakten gäller."
    if not request.app.state.guidelines.current().reason(values["orsak"] or ""):
        errors["orsak"] = "Välj vad kontakten gäller."
    if not errors:
        # The same Idempotency-Key record as the API's: a form sent again (a reload, a second press) gets the
        # contact the first one registered, and no second clock starts.
        fingerprint = {
            "op": "register",
            "patient": values["personnummer"],
            "unit": values["enhet"],
            "channel": values["kanal"],
            "reason_code": values["orsak"],
            "console": True,
        }
        status, answer = await run_once(
            units_of(request),
            lambda c: contacts.register(
                c,
                staff.caller,
                request.app.state.pseudonymiser,
                policy_of(request),
                personnummer=values["personnummer"],
                unit=values["enhet"],
                channel=values["kanal"],
                sought_at=None,
                reason_code=values["orsak"],
                listed_unit=None,
                now=now_of(request),
            ),
            caller=idempotency_caller(staff.caller, request.app.state.pseudonymiser),
            idempotency_key=values["nyckel"],
            request=fingerprint,
            now=now_of(request),
            success_status=201,
        )
        if status == 201:
            return see_other(f"/console/kontakter/{answer['id']}/fragor?klart=registrerad")
        errors["_"] = answer["detail"]
        values["nyckel"] = ""  # corrected values are a new request
    return _register_form(request, staff, values, errors, status_code=422)


# --- The contact and its decision -------------------------------------------------------------------------------


def _actions(contact: dict, decision: dict | None, booked: bool) -> Safe:
    base = f"/console/kontakter/{contact['id']}"
    if contact["status"] in ("assessed", "closed"):
        return fmt("<p>$back</p>", back=link_button("/console", "Till kön", kind="secondary"))
    if decision is None:
        items = [
            link_button(f"{base}/fragor", "Ställ frågorna"),
            link_button(f"{base}/avsluta", "Avsluta kontakten", kind="secondary"),
        ]
    else:
        # Where the decision sends the patient decides the first step; the others stay one Tab away. With a time
        # already booked, the next step is the assessment, and another time is booked only on purpose.
        close_reason = CLOSE_FIRST.get(decision["care_level"])
        book_text = "Boka en tid till" if booked else "Boka tid åt patienten"
        change = [
            link_button(f"{base}/avvikelse", "Avvik från riktlinjerna", kind="secondary"),
            link_button(f"{base}/fragor", "Ändra svaren", kind="secondary"),
        ]
        if close_reason:
            items = [
                link_button(f"{base}/avsluta", CLOSE_REASONS[close_reason][2]),
                *change,
                link_button(f"{base}/bedomning", "Registrera medicinsk bedömning", kind="secondary"),
                link_button(f"{base}/boka", book_text, kind="secondary"),
            ]
        elif booked:
            items = [
                link_button(f"{base}/bedomning", "Registrera medicinsk bedömning"),
                *change,
                link_button(f"{base}/boka", book_text, kind="secondary"),
                link_button(f"{base}/avsluta", "Avsluta kontakten", kind="secondary"),
            ]
        else:
            items = [
                link_button(f"{base}/boka", book_text),
                *change,
                link_button(f"{base}/bedomning", "Registrera medicinsk bedömning", kind="secondary"),
                link_button(f"{base}/avsluta", "Avsluta kontakten", kind="secondary"),
            ]
    return fmt(
        '<h2 class="heading-m">Nästa steg</h2><ul class="actions">$items</ul>',
        items=join(fmt("<li>$a</li>", a=item) for item in items),
    )


def bookings_list(booked: list[dict]) -> Safe:
    """The contact's times ahead, as booking has them."""
    return join(
        fmt(
            '<li data-booked="$id">$when, $who</li>',
            id=a["id"],
            when=slot_label(a),
            who=f"{a['practitioner']['name']} ({label(PROFESSIONS, a['profession']).lower()})",
        )
        for a in booked
    )


def _history(contact: dict) -> Safe:
    if len(contact["triage_history"]) < 2:
        return EMPTY
    items = join(
        fmt(
            "<li>$at: $level, $prof$override ($who)</li>",
            at=date_time(parse_time(h["decided_at"])),
            level=label(CARE_LEVELS, h["decision"]["care_level"]),
            prof=label(PROFESSIONS, h["decision"]["profession"]),
            who=h["decided_by"],
            override=when(h["override_reason"], " – avvikelse"),
        )
        for h in reversed(contact["triage_history"])
    )
    return fmt('<h2 class="heading-m">Tidigare beslut</h2><ul class="list">$items</ul>', items=items)


@router.get("/kontakter/{contact_id}")
async def contact_page(
    request: Request, contact_id: uuid.UUID, staff: CurrentStaff, klart: str | None = None
) -> Response:
    contact = await open_contact(request, staff, contact_id)
    entry = latest_triage(contact)
    reason = request.app.state.guidelines.current().reason(contact["reason_code"] or "")
    patient = facts_of(request, contact)
    texts = {q.id: q.text_for(patient) for q in reason.compiled.asked} if reason else {}
    (clock, answered), booked = await asyncio.gather(
        monitor_clock(request, staff, contact["id"]),
        future_bookings(request, staff, contact) if contact["status"] == "triaged" else _nothing(),
    )
    shown = shown_guarantee(contact, clock)
    if shown.booked_start is None and booked:  # booking knows of it before the monitor has heard
        shown = replace(shown, booked_start=parse_time(booked[0]["start"]))
    booked_html = when(
        booked,
        fmt(
            '<h2 class="heading-m">Bokade tider</h2><ul class="list" data-bookings>$items</ul>',
            items=bookings_list(booked or []),
        ),
    )
    title = f"{reason_title(request, contact['reason_code'])}, {personnummer_text(contact['personnummer'])}"
    body = fmt(
        '<span class="caption">Kontakt</span><h1 class="heading-l">$title</h1>$note$summary$booked$decision'
        "$actions$history",
        title=title,
        note=monitor_note(answered),
        summary=contact_summary(
            contact, reason_title(request, contact["reason_code"]), age_of(request, contact), shown
        ),
        booked=booked_html,
        decision=decision_panel(entry, texts) if entry else fmt('<p class="body">Kontakten är inte triagerad än.</p>'),
        actions=_actions(contact, entry["decision"] if entry else None, bool(booked or shown.booked_start)),
        history=_history(contact),
    )
    return page(request, title=title, body=body, staff=staff, done=klart)


async def _nothing() -> list[dict]:
    return []


# --- Override ---------------------------------------------------------------------------------------------------


def _red_flag_warning(guideline_decision: dict) -> Safe:
    flags = [r for r in guideline_decision.get("rules_fired") or [] if r.get("kind") in RED_FLAG_KINDS]
    if not flags:
        return EMPTY
    items = join(
        fmt("<li>$text ($level)</li>", text=f["text"], level=label(CARE_LEVELS, f["care_level"])) for f in flags
    )
    return fmt(
        '<div class="inset inset-warning" id="varningstecken"><h2 class="heading-s">Varningstecken i beslutet'
        '</h2><ul class="list">$items</ul><p class="body">Att sänka beslutet under ett varningstecken kräver '
        "rollen legitimerad vårdpersonal (clinician), en motivering och en extra bekräftelse. Det loggas och "
        "syns på kontakten.</p></div>",
        items=items,
    )


def _override_form(
    request: Request,
    staff: Staff,
    contact: dict,
    values: dict,
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
    ask_confirmation: bool = False,
) -> Response:
    entry = latest_triage(contact)
    decision = entry["guideline_decision"] if entry.get("guideline_decision") else entry["decision"]
    field_errors = dict(e for e in errors if e[0])

    def keep(table: dict, code: str) -> list[Choice]:
        return [Choice("", f"Behåll: {label(table, code)}")] + [Choice(k, label(table, k)) for k in table if k != code]

    confirmation = when(
        ask_confirmation,
        checkboxes(
            "bekrafta",
            fmt("<strong>Bekräfta att du sänker ett varningstecken</strong>"),
            [Choice("ja", "Jag har själv bedömt varningstecknet och tar ansvar för att sänka beslutet.")],
            checked=["ja"] if values.get("bekrafta") == "ja" else [],
            error=field_errors.get("bekrafta"),
        ),
    )
    content = join(
        [
            fmt(
                '<fieldset class="fieldset"><legend class="legend legend-m">Vad ändrar du?</legend>'
                '<div class="hint">Ändra minst en sak. Det som inte ändras behåller riktlinjernas beslut. Råd, '
                "yrkesgrupp och vårdgaranti räknas om efter den nya nivån.</div>$a$b$c</fieldset>",
                a=select(
                    "vardniva",
                    "Vårdnivå",
                    keep(CARE_LEVELS, decision["care_level"]),
                    selected=values.get("vardniva", ""),
                    error=field_errors.get("vardniva"),
                ),
                b=select(
                    "bradska",
                    "Brådska",
                    [Choice("", f"Följer vårdnivån (nu: {label(URGENCIES, decision['urgency'])})")]
                    + [Choice(k, label(URGENCIES, k)) for k in URGENCIES],
                    selected=values.get("bradska", ""),
                    error=field_errors.get("bradska"),
                ),
                c=select(
                    "yrkesgrupp",
                    "Yrkesgrupp",
                    keep(PROFESSIONS, decision["profession"]),
                    selected=values.get("yrkesgrupp", ""),
                ),
            ),
            textarea(
                "motivering",
                "Motivering (krävs)",
                value=values.get("motivering", ""),
                error=field_errors.get("motivering"),
                hint="Skriv varför du avviker från riktlinjerna. Motiveringen sparas och granskas. Skriv inte "
                "personnummer eller namn.",
            ),
            confirmation,
            button("Spara avvikelsen"),
        ]
    )
    base = f"/console/kontakter/{contact['id']}"
    body = fmt(
        '<span class="caption">$who</span><h1 class="heading-l">Avvik från riktlinjerna</h1>'
        '<p class="body">Riktlinjerna säger <strong>$level</strong> hos <strong>$prof</strong> (brådska $urg).'
        '</p>$warning$form<p><a class="link" href="$base">Avbryt och gå tillbaka till kontakten</a></p>',
        who=personnummer_text(contact["personnummer"]),
        level=label(CARE_LEVELS, decision["care_level"]),
        prof=label(PROFESSIONS, decision["profession"]),
        urg=label(URGENCIES, decision["urgency"]),
        warning=_red_flag_warning(decision),
        form=form(f"{base}/avvikelse", staff.csrf, content),
        base=base,
    )
    return page(
        request, title="Avvik från riktlinjerna", body=body, staff=staff, errors=errors, status_code=status_code
    )


async def triaged_contact(request: Request, staff: Staff, contact_id: uuid.UUID) -> dict:
    contact = await open_contact(request, staff, contact_id)
    if latest_triage(contact) is None:
        raise WrongState("Kontakten är inte triagerad än. Ställ frågorna först.")
    return contact


@router.get("/kontakter/{contact_id}/avvikelse")
async def override_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    return _override_form(request, staff, await triaged_contact(request, staff, contact_id), {}, [])


@router.post("/kontakter/{contact_id}/avvikelse")
async def override(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
    contact = await triaged_contact(request, staff, contact_id)
    values = {name: submitted.get(name) for name in ("vardniva", "bradska", "yrkesgrupp", "motivering", "bekrafta")}
    change = {
        "care_level": values["vardniva"] or None,
        "urgency": values["bradska"] or None,
        "profession": values["yrkesgrupp"] or None,
        "reason": values["motivering"],
        "confirm_lowering_red_flag": values["bekrafta"] == "ja",
    }
    try:
        check_override_reason(values["motivering"] or "")
        await in_transaction(
            request,
            lambda c: contacts.triage(
                c,
                staff.caller,
                request.app.state.guidelines,
                contact_id,
                answers=latest_triage(contact)["answers"],
                reason_code=contact["reason_code"],
                override=change,
                now=now_of(request),
                policy=policy_of(request),
            ),
        )
    except ContactRefused as refused:
        needs_confirmation = refused.code == OverrideProblem.NEEDS_CONFIRMATION
        return _override_form(
            request,
            staff,
            contact,
            values,
            [(_override_field(refused, values), refused.message)],
            status_code=status_of(refused),
            ask_confirmation=needs_confirmation,
        )
    return see_other(f"/console/kontakter/{contact_id}?klart=avvikelse")


def _override_field(refused: ContactRefused, values: dict) -> str | None:
    """The use case says what is wrong; this is the field the person must change."""
    if not values["motivering"] or refused.code in REASON_PROBLEMS:
        return "motivering"
    if not any((values["vardniva"], values["bradska"], values["yrkesgrupp"])):
        return "vardniva"
    return {OverrideProblem.NEEDS_CONFIRMATION: "bekrafta", OverrideProblem.COLOUR_DOES_NOT_FIT: "bradska"}.get(
        refused.code
    )
