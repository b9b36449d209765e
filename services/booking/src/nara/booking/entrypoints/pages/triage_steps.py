"""What the visit is about: the triage service's reasons and questions, its advice, and the choice of unit,
which registers the visit as a web contact and triages it there (the guarantee clock starts)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara.shared.clock import to_stockholm

from ...adapters.triage_client import Question, TriageRefused, TriageUnavailable
from ...service.search import care_units
from . import swedish
from .common import PageRoute, now_of, show, triage, triage_unavailable_page
from .next_step import BOOKABLE_LEVELS
from .rendering import Option, Safe, button, field_id, fmt, hidden, join, link_button, radios, render, text_input
from .session import Citizen, CurrentCitizen, checked_form, read_flow, write_flow

router = APIRouter(route_class=PageRoute, include_in_schema=False)
YES, NO = "ja", "nej"


def _age(request: Request, citizen: Citizen) -> int:
    return swedish.age_on(citizen.personnummer, to_stockholm(now_of(request)).date())


def _form(request: Request, citizen: Citizen, *, action: str, heading: Safe, fields: Safe, intro: Safe = Safe(""),
          buttons: Safe | None = None, after: Safe = Safe("")) -> Safe:
    return render("form_page.html", heading=heading, intro=intro, action=action, csrf=hidden("csrf", citizen.csrf),
                  fields=fields, buttons=buttons or button("Fortsätt"), after=after)


# --- the reason ---

async def _reasons_page(request: Request, citizen: Citizen, flow: dict, error: str | None = None) -> HTMLResponse:
    guidelines = await triage(request).guidelines(citizen.token)
    age = _age(request, citizen)
    options = [Option(r.code, r.title) for r in guidelines.reasons if r.applies_to(age)]
    fields = radios("orsak", "Vad gäller ditt besök?", options, checked=flow.get("reason"), error=error,
                    legend_as_heading=True,
                    hint="Välj det som stämmer bäst. Om inget passar, ring din vårdcentral eller 1177.")
    body = _form(request, citizen, action="/besvar", heading=Safe(""), fields=fields)
    return await show(request, citizen, title="Vad gäller ditt besök?", body=body, flow=flow, active="book",
                      errors=[(field_id("orsak"), error)] if error else [], status_code=400 if error else 200)


@router.get("/besvar")
async def reasons(request: Request, citizen: CurrentCitizen) -> HTMLResponse:
    return await _reasons_page(request, citizen, read_flow(request, citizen))


@router.post("/besvar")
async def choose_reason(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    guidelines = await triage(request).guidelines(citizen.token)
    chosen = next((r for r in guidelines.reasons if r.code == form.get("orsak")), None)
    if chosen is None:
        return await _reasons_page(request, citizen, flow, "Välj vad ditt besök gäller.")
    if chosen.code != flow.get("reason"):
        flow = {"reason": chosen.code, "reason_title": chosen.title}
    response = RedirectResponse("/besvar/fragor", status_code=303)
    write_flow(request, response, citizen, flow)
    return response


# --- the questions ---

def _question_field(question: Question, answer, error: str | None, raw: str | None) -> Safe:
    name = f"svar-{question.id}"
    if question.kind == "number":
        ranged = question.min is not None and question.max is not None
        hint = f"Skriv ett tal mellan {question.min:g} och {question.max:g}" if ranged else ""
        hint = f"{hint} ({question.unit})." if hint and question.unit else f"{hint}." if hint else ""
        value = raw if raw is not None else ("" if answer is None else f"{answer:g}".replace(".", ","))
        return text_input(name, question.text, value=value, error=error, hint=hint,
                          inputmode="numeric" if question.integer else "decimal", width="5", suffix=question.unit)
    if question.kind == "choice":
        options = [Option(value, text) for value, text in question.options]
        return radios(name, question.text, options, checked=answer, error=error)
    checked = None if answer is None else (YES if answer else NO)
    return radios(name, question.text, [Option(YES, "Ja"), Option(NO, "Nej")], checked=checked, error=error)


def _read_answer(question: Question, raw: str | None) -> tuple[object, str | None]:
    """The typed answer to one question, or the Swedish sentence saying what to fix."""
    raw = (raw or "").strip()
    if question.kind == "number":
        if not raw:
            return None, f"Svara på frågan: {question.text}"
        try:
            number = float(raw.replace(",", ".").replace(" ", ""))
        except ValueError:
            return None, f"Skriv svaret som ett tal, till exempel 38,5: {question.text}"
        if question.integer and not number.is_integer():
            return None, f"Skriv ett heltal: {question.text}"
        if question.min is not None and number < question.min:
            return None, f"Skriv ett tal som är {question.min:g} eller mer: {question.text}"
        if question.max is not None and number > question.max:
            return None, f"Skriv ett tal som är {question.max:g} eller mindre: {question.text}"
        return (int(number) if question.integer else number), None
    if question.kind == "choice":
        if raw not in {value for value, _ in question.options}:
            return None, f"Välj ett svar: {question.text}"
        return raw, None
    if raw not in (YES, NO):
        return None, f"Svara ja eller nej: {question.text}"
    return raw == YES, None


async def _questions_page(request: Request, citizen: Citizen, flow: dict, *, raw: dict | None = None,
                          errors: dict[str, str] | None = None, general: str | None = None) -> HTMLResponse:
    reason = await triage(request).reason(citizen.token, flow["reason"])
    age = _age(request, citizen)
    questions = [q for q in reason.questions if q.applies_to(age)]
    errors = errors or {}
    answers = flow.get("answers") or {}
    fields = join(_question_field(q, answers.get(q.id), errors.get(q.id),
                                  None if raw is None else raw.get(f"svar-{q.id}")) for q in questions)
    heading = fmt('<span class="caption">Frågor om dina besvär</span><h1 class="heading-l">$title</h1>',
                  title=reason.title)
    intro = fmt('<p class="body">$text</p>', text="Svara på frågorna, så får du råd om vart du ska vända dig."
                if questions else "Det finns inga fler frågor. Fortsätt så får du råd om vart du ska vända dig.")
    body = _form(request, citizen, action="/besvar/fragor", heading=heading, intro=intro, fields=fields,
                 after=fmt('<p class="body"><a href="/besvar">Välj andra besvär</a></p>'))
    summary = [(field_id(f"svar-{q.id}"), errors[q.id]) for q in questions if q.id in errors]
    summary += [(None, general)] if general else []
    return await show(request, citizen, title=reason.title, body=body, flow=flow, active="book", errors=summary,
                      status_code=400 if summary else 200)


@router.get("/besvar/fragor")
async def questions(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("reason"):
        return RedirectResponse("/besvar", status_code=303)
    return await _questions_page(request, citizen, flow)


@router.post("/besvar/fragor")
async def answer_questions(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    if not flow.get("reason"):
        return RedirectResponse("/besvar", status_code=303)
    client = triage(request)
    reason = await client.reason(citizen.token, flow["reason"])
    age = _age(request, citizen)
    answers, errors = {}, {}
    for question in (q for q in reason.questions if q.applies_to(age)):
        value, problem = _read_answer(question, form.get(f"svar-{question.id}"))
        if problem:
            errors[question.id] = problem
        else:
            answers[question.id] = value
    if errors:
        return await _questions_page(request, citizen, flow, raw=form, errors=errors)
    try:
        decision = await client.evaluate(citizen.token, reason_code=reason.code, answers=answers, age=age)
    except TriageRefused as refused:
        if refused.status == 401:
            raise
        return await _questions_page(request, citizen, flow, raw=form, general=(
            "Vi kunde inte bedöma dina svar för de här besvären. Kontrollera svaren, eller välj andra besvär "
            "som passar dig bättre. Behöver du råd, ring 1177."))
    flow.update(answers=answers, decision=decision.as_dict())
    response = RedirectResponse("/besvar/rad", status_code=303)
    write_flow(request, response, citizen, flow)
    return response


# --- the advice ---

ADVICE = {
    "call_112": ("Ring 112 nu", "Dina besvär kan vara allvarliga och kan inte vänta på en bokad tid."),
    "emergency_now": ("Sök vård på en akutmottagning nu",
                      "Dina besvär behöver bedömas i dag på en akutmottagning. Ring 112 om det är bråttom."),
    "within_hours": ("Ring din vårdcentral eller 1177 nu",
                     "Dina besvär behöver bedömas inom några timmar, så vänta inte på en webbokad tid."),
    "self_care": ("Du kan behandla dina besvär själv",
                  "Följ råden nedan. Ring 1177 om du blir sämre eller om besvären inte går över."),
}
WHEN = {"same_day": "Du behöver en tid i dag.", "within_3_days": "Du behöver en tid inom 3 dagar.",
        "planned": "Du kan boka en tid som passar dig."}
CALLS = {"call_112": ("tel:112", "Ring 112"), "emergency_now": ("tel:112", "Ring 112"),
         "within_hours": ("tel:1177", "Ring 1177")}


@router.get("/besvar/rad")
async def advice(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    decision = flow.get("decision")
    if not decision:
        return RedirectResponse("/besvar/fragor" if flow.get("reason") else "/besvar", status_code=303)
    level = decision["care_level"]
    advice_text = fmt('<p class="body">$text</p>', text=decision["advice"]) if decision.get("advice") else Safe("")
    if level in BOOKABLE_LEVELS:
        who = swedish.profession(decision["profession"])
        others = [swedish.profession(p) for p in decision.get("alternatives") or []]
        heading, lead = f"Du bör träffa en {who}", WHEN.get(level, "")
        if others:
            lead += f" Du kan också få en tid hos {swedish.either_or(others)}."
        if decision.get("guarantee_applies"):
            lead += " Vårdgarantin gäller: du ska få en medicinsk bedömning inom 3 dagar."
        actions = link_button("/vardcentral", "Välj vårdcentral")
    else:
        heading, lead = ADVICE.get(level, ("Ring 1177", "Vi kan inte ge dig ett råd här. Ring 1177."))
        call = CALLS.get(level)
        other = fmt('<a class="link-inline" href="/besvar">Beskriv andra besvär</a>')
        actions = fmt('<a class="button button-warning" href="$href">$text</a>$other', href=call[0], text=call[1],
                      other=other) if call else other
    body = render("advice.html", level=level, heading=heading, lead=lead, advice=advice_text, actions=actions,
                  reasons=join(fmt("<li>$text</li>", text=t) for t in decision.get("rules_fired") or []),
                  version=decision.get("guideline_version", ""))
    return await show(request, citizen, title=heading, body=body, flow=flow, active="book")


# --- the unit, which registers and triages the contact ---

async def _units_page(request: Request, citizen: Citizen, flow: dict, error: str | None = None,
                      general: str | None = None, status_code: int = 200) -> HTMLResponse:
    async with request.app.state.pool.acquire() as connection:
        units = await care_units(connection)
    options = [Option(u["hsa_id"], u["name"], hint=u["address"]) for u in units]
    fields = radios("vardcentral", "Vilken vårdcentral vill du gå till?", options, checked=flow.get("unit"),
                    error=error, legend_as_heading=True,
                    hint="Välj den vårdcentral där du är listad. Då gäller vårdgarantin.")
    body = _form(request, citizen, action="/vardcentral", heading=Safe(""), fields=fields)
    errors = [(field_id("vardcentral"), error)] if error else [(None, general)] if general else []
    return await show(request, citizen, title="Välj vårdcentral", body=body, flow=flow, active="book", errors=errors,
                      status_code=400 if error else status_code)


@router.get("/vardcentral")
async def units(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    if (flow.get("decision") or {}).get("care_level") not in BOOKABLE_LEVELS:
        return RedirectResponse("/besvar/rad" if flow.get("decision") else "/besvar", status_code=303)
    return await _units_page(request, citizen, flow)


@router.post("/vardcentral")
async def choose_unit(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    if (flow.get("decision") or {}).get("care_level") not in BOOKABLE_LEVELS:
        return RedirectResponse("/besvar", status_code=303)
    async with request.app.state.pool.acquire() as connection:
        known = {u["hsa_id"] for u in await care_units(connection)}
    unit = form.get("vardcentral")
    if unit not in known:
        return await _units_page(request, citizen, flow, "Välj en vårdcentral.")
    client = triage(request)
    try:
        if not (flow.get("contact_id") and flow.get("unit") == unit):
            contact_id = await client.register_contact(citizen.token, patient=citizen.personnummer, unit=unit,
                                                       reason_code=flow["reason"])
            flow.update(unit=unit, contact_id=contact_id, registered_at=now_of(request).isoformat(), hold=None)
        decision = await client.triage_contact(citizen.token, flow["contact_id"], flow.get("answers") or {})
    except TriageUnavailable:
        response = triage_unavailable_page(request)
        write_flow(request, response, citizen, flow)  # a registered contact is kept, and not registered twice
        return response
    except TriageRefused as refused:
        if refused.status == 401:
            raise
        return await _units_page(request, citizen, flow, general=(
            "Vi kunde inte registrera ditt ärende på den vårdcentralen. Välj en annan vårdcentral, "
            "eller ring 1177 om du behöver råd."), status_code=409)
    flow["decision"] = decision.as_dict()
    bookable = decision.care_level in BOOKABLE_LEVELS
    response = RedirectResponse("/tider" if bookable else "/besvar/rad", status_code=303)
    write_flow(request, response, citizen, flow)
    return response
