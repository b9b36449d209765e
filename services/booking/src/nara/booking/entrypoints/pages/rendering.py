"""Small, safe HTML templating: every value is escaped unless it is already Safe HTML.

Jinja2 is not among the project's dependencies, so the pages use string.Template files ($name)
and a handful of form helpers that follow the GOV.UK Design System's markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from fastapi.responses import HTMLResponse

TEMPLATES = Path(__file__).with_name("templates")
SERVICE_NAME = "Nära webbtidbok"


class Safe(str):
    """Text that is already HTML; inserted as it is."""


def escape(value: object) -> Safe:
    if isinstance(value, Safe):
        return value
    return Safe(html.escape("" if value is None else str(value), quote=True))


def fmt(template: str, **values: object) -> Safe:
    """A fragment from an inline $-template; values are escaped."""
    return Safe(Template(template).substitute({name: escape(value) for name, value in values.items()}))


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def render(template_name: str, /, **values: object) -> Safe:
    """A template file from templates/, with every value escaped; a missing value is an error."""
    return Safe(_template(template_name).substitute({key: escape(value) for key, value in values.items()}))


def join(parts: Iterable[object]) -> Safe:
    return Safe("".join(escape(part) for part in parts))


def when(condition: bool, fragment: object) -> Safe:
    return escape(fragment) if condition else Safe("")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    tag: str = ""  # a short marker shown beside the label, e.g. "Inom vårdgarantin"
    data: str = ""  # a data-* value for scripts and tests, e.g. the slot's start


def field_id(name: str, index: int = 0) -> str:
    """The id of a field's input; a radio group's first input carries the bare name, so errors can link to it."""
    return name if index == 0 else f"{name}-{index + 1}"


def error_summary(errors: Sequence[tuple[str | None, str]]) -> Safe:
    if not errors:
        return Safe("")
    items = join(fmt('<li><a href="#$anchor">$message</a></li>', anchor=anchor, message=message) if anchor
                 else fmt("<li>$message</li>", message=message) for anchor, message in errors)
    return render("error_summary.html", items=items)


def _error_message(name: str, error: str | None) -> Safe:
    if not error:
        return Safe("")
    return fmt('<p id="$name-fel" class="error-message"><span class="visually-hidden">Fel:</span> $error</p>',
               name=name, error=error)


def _described_by(name: str, hint: str, error: str | None, hint_id: str | None = None) -> str:
    ids = ([hint_id or f"{name}-hint"] if hint else []) + ([f"{name}-fel"] if error else [])
    return " ".join(ids)


def radios(name: str, legend: str, options: Sequence[Option], *, checked: str | None = None,
           error: str | None = None, hint: str = "", legend_as_heading: bool = False) -> Safe:
    """A radio group in a fieldset with its legend, hint and error message."""
    items = []
    for index, option in enumerate(options):
        input_id = field_id(name, index)
        option_hint = fmt('<div id="$id-hint" class="hint radio-hint">$hint</div>', id=input_id, hint=option.hint) \
            if option.hint else Safe("")
        tag = fmt(' <strong class="tag">$tag</strong>', tag=option.tag) if option.tag else Safe("")
        data = fmt(' data-value="$data"', data=option.data) if option.data else Safe("")
        items.append(render(
            "radio.html", id=input_id, name=name, value=option.value, label=option.label, tag=tag,
            checked=Safe(" checked") if checked is not None and option.value == checked else Safe(""),
            described=fmt(' aria-describedby="$id-hint"', id=input_id) if option.hint else Safe(""),
            hint=option_hint, data=data))
    legend_html = fmt('<h1 class="legend-heading">$legend</h1>', legend=legend) if legend_as_heading else escape(legend)
    # The group's hint has an id of its own: the first radio's hint already uses "<name>-hint".
    described = _described_by(name, hint, error, hint_id=f"{name}-grupp-hint")
    return render(
        "radios.html", name=name, legend=legend_html, items=join(items), error_message=_error_message(name, error),
        hint=fmt('<div id="$name-grupp-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else Safe(""),
        described=fmt(' aria-describedby="$ids"', ids=described) if described else Safe(""),
        error_class=Safe(" form-group-error") if error else Safe(""),
        legend_class=Safe(" legend-large") if legend_as_heading else Safe(""))


def text_input(name: str, label: str, *, value: str = "", error: str | None = None, hint: str = "",
               inputmode: str = "", autocomplete: str = "off", width: str = "", suffix: str = "",
               label_as_heading: bool = False) -> Safe:
    described = _described_by(name, hint, error)
    attributes = join([
        fmt(' inputmode="$m"', m=inputmode) if inputmode else "",
        fmt(' aria-describedby="$ids"', ids=described) if described else "",
        Safe(' aria-invalid="true"') if error else "",
    ])
    label_html = fmt('<label class="label" for="$name">$label</label>', name=name, label=label)
    if label_as_heading:
        label_html = fmt('<h1 class="label-heading">$label</h1>', label=label_html)
    return render(
        "text_input.html", name=name, label=label_html, value=value, attributes=attributes,
        autocomplete=autocomplete, error_message=_error_message(name, error),
        hint=fmt('<div id="$name-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else Safe(""),
        width_class=Safe(f" input-{width}") if width else Safe(""),
        suffix=fmt('<span class="input-suffix" aria-hidden="true">$s</span>', s=suffix) if suffix else Safe(""),
        error_class=Safe(" form-group-error") if error else Safe(""))


def textarea(name: str, label: str, *, value: str = "", error: str | None = None, hint: str = "",
             required: bool = False) -> Safe:
    described = _described_by(name, hint, error)
    return fmt(
        '<div class="form-group$error_class"><label class="label" for="$name">$label</label>$hint$error_message'
        '<textarea class="textarea" id="$name" name="$name" rows="4"$attributes>$value</textarea></div>',
        name=name, label=label, value=value, error_message=_error_message(name, error),
        hint=fmt('<div id="$name-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else Safe(""),
        attributes=join([fmt(' aria-describedby="$ids"', ids=described) if described else "",
                         Safe(' aria-invalid="true"') if error else "", Safe(" required") if required else ""]),
        error_class=Safe(" form-group-error") if error else Safe(""))


def hidden(name: str, value: str) -> Safe:
    return fmt('<input type="hidden" name="$name" value="$value">', name=name, value=value)


def button(text: str, *, secondary: bool = False, warning: bool = False) -> Safe:
    kind = " button-secondary" if secondary else " button-warning" if warning else ""
    return fmt('<button type="submit" class="button$kind" data-prevent-double-click>$text</button>',
               kind=kind, text=text)


def link_button(href: str, text: str, *, secondary: bool = False) -> Safe:
    kind = " button-secondary" if secondary else ""
    return fmt('<a href="$href" role="button" draggable="false" class="button$kind">$text</a>',
               href=href, kind=kind, text=text)


def page(*, title: str, body: Safe, next_step: Safe, navigation: Safe = Safe(""),
         errors: Sequence[tuple[str | None, str]] = (), banner: Safe = Safe(""), status_code: int = 200,
         headers: dict[str, str] | None = None) -> HTMLResponse:
    """A whole page in the layout: skip link, header, the error summary or a banner, the next step, the body."""
    document = render(
        "layout.html", title=("Fel: " if errors else "") + f"{title} – {SERVICE_NAME}", navigation=navigation,
        next_step=next_step, error_summary=error_summary(errors), banner=banner, body=body)
    return HTMLResponse(document, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})})


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
