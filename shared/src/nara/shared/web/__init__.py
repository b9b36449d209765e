"""The page kit every Nära app renders its Swedish pages with: Jinja2 (autoescape on), GOV.UK Design System markup.

Modules
    pages     PageKit (an app's templates over the kit's), Site (what the layout shows), Choice, choices(),
              see_other(), SECURITY_HEADERS
    login     LoginSession (who is logged in: cookie, CSRF, dependencies), StaffLogin (it plus the development
              staff login standing in for SITHS), LoggedIn (alias Staff)
    routing   PageRoute (no login, an expired form, a bad address, a 4xx: each a Swedish page), InterruptibleRoute
    swedish   dates, times and numbers on Stockholm's clock; FILTERS, the templates' filters
    labels    Swedish words for the shared enums (Profession, ContactForm, ClockStatus, ...): label()
    problems  RFC 9457 problem details for /api; the Swedish 404, 405 and 500 pages of page routes
    session   primitives under the login: CSRF tokens, signed cookie values, Form, read_form
    fields, limits   input shapes and the request floor (unchanged)

Setting up an app (see the monitor's entrypoints/ops/kit.py for a whole one)::

    SITE = Site(name="Nära", product="triagekonsol", home="/console", home_link="Till kön",
                stylesheets=["/console/static/console.css"], scripts=["/console/static/console.js"])
    KIT = PageKit(Path(__file__).with_name("templates"), SITE, filters={...}, template_globals={...})
    LOGIN = StaffLogin(home="/console", cookie="nara_console", key_variable="TRIAGE_CONSOLE_SECRET",
                       units=UNITS, roles={"reception": "Reception", "clinician": "Legitimerad personal"},
                       example_hsa_id="SE2321000115-P000000101", units_error="Välj minst en enhet du arbetar på.",
                       role_error="Välj din roll: reception eller legitimerad personal.")
    CurrentStaff = Annotated[Staff, Depends(LOGIN.current_staff)]      # or LOGIN.optional_staff

    class ConsoleRoute(PageRoute):          # extend answer() for the app's own errors, super().answer() last
        kit = KIT
        login_home = "/console"

    router = APIRouter(prefix="/console", route_class=ConsoleRoute)
    app.include_router(LOGIN.router(KIT, ConsoleRoute))   # GET/POST /console/logga-in, POST /console/logga-ut
    app.include_router(router)
    KIT.install(app)                                       # 404 and 500 of page routes in this app's layout
    app.mount("/console/static", StaticFiles(directory=...))

Templates: the app's folder holds base.html and its pages; the kit's are "kit/layout.html", "kit/macros.html"
and "kit/problem.html" (a ChoiceLoader over the app's folder and a PrefixLoader holding the kit). base.html
extends "kit/layout.html" and fills its blocks: user (e.g. kit.staff_header), navigation, banner, footer;
a page extends "base.html" and fills `content`. Every template imports the macros it uses::

    {% extends "base.html" %}
    {% import "kit/macros.html" as kit %}
    {% block content %}<h1 class="heading-l">{{ title }}</h1>{{ kit.summary_list(rows) }}{% endblock %}

The layout reads `title`, `errors` and `staff` (render fills the last two: [] and request.state.staff) and the
app's `site`. Undefined names fail the render (StrictUndefined): a misspelt name breaks a test, not a page.
Macros: error_summary, text_input, textarea, select, radios, checkboxes (options: Choice or choices({v: label})),
hidden, csrf_field, button, link_button, back_link, summary_list, table, banner, tag, pagination, staff_header.

Rendering a page: ``return KIT.render(request, "contact.html", title="Kontakten", contact=contact)``; a
value is escaped unless it is Markup. A short Swedish page for a refusal: ``KIT.problem_page(request, title,
message, status_code=409, action=("/console", "Till kön"))``. After a form: ``return see_other("/console")``.

A form with errors: read it with the session's check, re-render with the errors in field order; the summary
links each to its field (a group's first input carries the bare name) and the title starts "Fel: "::

    form = await LOGIN.checked_form(request, staff)       # FormExpired (a Swedish 400 page) without the token
    errors = {"orsak": "Skriv varför."} if not form.get("orsak") else {}
    if errors:
        return KIT.render(request, "close.html", status_code=422, title="Avsluta", errors=list(errors.items()),
                          field_errors=errors, values=form)
    {{ kit.csrf_field(staff.csrf) }}
    {{ kit.textarea("orsak", "Varför?", value=values.get("orsak"), error=field_errors.get("orsak")) }}

Logging in: LOGIN.router renders the app's own "login.html" with values ({"hsa-id", "roll", "enheter"}),
field_errors, errors, csrf, next_path, logged_out, action, roles (choices, empty with one role) and units
(choices); the monitor's ops/templates/login.html is one. The cookie is HttpOnly, SameSite=Strict, under home.
CSRF: every form posts `csrf`; tokens are HMACs of the session under the app's key (the key_variable's value,
else random per process) and are compared with hmac.compare_digest (session.same_token). A citizen app (booking)
uses LoginSession(home="", cookie="nara_session", key_variable=..., samesite="lax", accepts=lambda c:
c.is_citizen) for its dependency, checked forms and cookie, and keeps its own personnummer login form.

Swedish in one style: filters time (08:00), date (tisdag 24 november), date_time (tisdag 24 november kl. 08:00),
time_span, last_day (a deadline's last day), month ('2026-11' as november 2026), decimal, percent (83,3 %),
unit (a unit's name), label (e.g. {{ code|label("profession") }}, {{ status|label }} for an enum member).
"""
