"""The citizen pages' HTML: the shared safe kit (nara.shared.web.html) plus the fields and layout they use.

Templates are string.Template files ($name) in templates/; the form helpers follow the GOV.UK Design System.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi.responses import HTMLResponse

from nara.shared.web import html as kit
from nara.shared.web.html import (
    SECURITY_HEADERS,
    Safe,
    Templates,
    error_message,
    escape,
    field_id,
    fmt,
    group_class,
    hidden,
    hint_text,
    join,
    textarea,
    when,
)

__all__ = [
    "SECURITY_HEADERS",
    "Option",
    "Safe",
    "button",
    "error_summary",
    "escape",
    "field_id",
    "fmt",
    "hidden",
    "join",
    "link_button",
    "page",
    "radios",
    "render",
    "text_input",
    "textarea",
    "when",
]

SERVICE_NAME = "Nära webbtidbok"
render = Templates(Path(__file__).with_name("templates"))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    tag: str = ""  # a short marker shown beside the label, e.g. "Inom vårdgarantin"
    data: str = ""  # a data-* value for scripts and tests, e.g. the slot's start


def error_summary(errors: Sequence[tuple[str | None, str]]) -> Safe:
    if not errors:
        return Safe("")
    items = join(
        fmt('<li><a href="#$anchor">$message</a></li>', anchor=anchor, message=message)
        if anchor
        else fmt("<li>$message</li>", message=message)
        for anchor, message in errors
    )
    return render("error_summary.html", items=items)


def _described_by(name: str, hint: str, error: str | None, hint_id: str | None = None) -> str:
    ids = ([hint_id or f"{name}-hint"] if hint else []) + ([f"{name}-fel"] if error else [])
    return " ".join(ids)


def radios(
    name: str,
    legend: str,
    options: Sequence[Option],
    *,
    checked: str | None = None,
    error: str | None = None,
    hint: str = "",
    legend_as_heading: bool = False,
) -> Safe:
    """A radio group in a fieldset with its legend, hint and error message."""
    items = []
    for index, option in enumerate(options):
        input_id = field_id(name, index)
        option_hint = (
            fmt('<div id="$id-hint" class="hint radio-hint">$hint</div>', id=input_id, hint=option.hint)
            if option.hint
            else Safe("")
        )
        tag = fmt(' <strong class="tag">$tag</strong>', tag=option.tag) if option.tag else Safe("")
        data = fmt(' data-value="$data"', data=option.data) if option.data else Safe("")
        items.append(
            render(
                "radio.html",
                id=input_id,
                name=name,
                value=option.value,
                label=option.label,
                tag=tag,
                checked=Safe(" checked") if checked is not None and option.value == checked else Safe(""),
                described=fmt(' aria-describedby="$id-hint"', id=input_id) if option.hint else Safe(""),
                hint=option_hint,
                data=data,
            )
        )
    legend_html = fmt('<h1 class="legend-heading">$legend</h1>', legend=legend) if legend_as_heading else escape(legend)
    # The group's hint has an id of its own: the first radio's hint already uses "<name>-hint".
    described = _described_by(name, hint, error, hint_id=f"{name}-grupp-hint")
    return render(
        "radios.html",
        name=name,
        legend=legend_html,
        items=join(items),
        error_message=error_message(name, error),
        hint=fmt('<div id="$name-grupp-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else Safe(""),
        described=fmt(' aria-describedby="$ids"', ids=described) if described else Safe(""),
        error_class=Safe(" form-group-error") if error else Safe(""),
        legend_class=Safe(" legend-large") if legend_as_heading else Safe(""),
    )


def text_input(
    name: str,
    label: str,
    *,
    value: str = "",
    error: str | None = None,
    hint: str = "",
    inputmode: str = "",
    autocomplete: str = "off",
    width: str = "",
    suffix: str = "",
    label_as_heading: bool = False,
) -> Safe:
    described = _described_by(name, hint, error)
    attributes = join(
        [
            fmt(' inputmode="$m"', m=inputmode) if inputmode else "",
            fmt(' aria-describedby="$ids"', ids=described) if described else "",
            Safe(' aria-invalid="true"') if error else "",
        ]
    )
    label_html = fmt('<label class="label" for="$name">$label</label>', name=name, label=label)
    if label_as_heading:
        label_html = fmt('<h1 class="label-heading">$label</h1>', label=label_html)
    return render(
        "text_input.html",
        name=name,
        label=label_html,
        value=value,
        attributes=attributes,
        autocomplete=autocomplete,
        error_message=error_message(name, error),
        hint=hint_text(name, hint),
        width_class=Safe(f" input-{width}") if width else Safe(""),
        suffix=fmt('<span class="input-suffix" aria-hidden="true">$s</span>', s=suffix) if suffix else Safe(""),
        error_class=group_class(error),
    )


def button(text: str, *, secondary: bool = False, warning: bool = False) -> Safe:
    return kit.button(text, kind="secondary" if secondary else "warning" if warning else "")


def link_button(href: str, text: str, *, secondary: bool = False) -> Safe:
    return kit.link_button(href, text, kind="secondary" if secondary else "")


def page(
    *,
    title: str,
    body: Safe,
    next_step: Safe,
    navigation: Safe = Safe(""),
    errors: Sequence[tuple[str | None, str]] = (),
    banner: Safe = Safe(""),
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A whole page in the layout: skip link, header, the error summary or a banner, the next step, the body."""
    document = render(
        "layout.html",
        title=("Fel: " if errors else "") + f"{title} – {SERVICE_NAME}",
        navigation=navigation,
        next_step=next_step,
        error_summary=error_summary(errors),
        banner=banner,
        body=body,
    )
    return HTMLResponse(document, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})})
