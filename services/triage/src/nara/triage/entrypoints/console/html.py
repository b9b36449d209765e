"""The console's HTML: the shared safe kit (nara.shared.web.html) and the form fields only the console uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from nara.shared.web.html import (
    EMPTY,
    Choice,
    Safe,
    Templates,
    button,
    described_by,
    error_message,
    error_summary,
    escape,
    field_id,
    fmt,
    group_class,
    hidden,
    hint_text,
    invalid,
    join,
    link_button,
    select,
    textarea,
    when,
)

__all__ = [
    "EMPTY",
    "Choice",
    "Safe",
    "button",
    "checkboxes",
    "choices",
    "error_summary",
    "escape",
    "fmt",
    "form",
    "hidden",
    "join",
    "link_button",
    "radios",
    "render",
    "select",
    "summary_list",
    "text_input",
    "textarea",
    "when",
]

render = Templates(Path(__file__).with_name("templates"))


def choices(
    kind: str,
    name: str,
    legend: object,
    options: Sequence[Choice],
    *,
    checked: Iterable[str] = (),
    error: str | None = None,
    hint: str = "",
    inline: bool = False,
    legend_class: str = "",
    extra: Safe = EMPTY,
) -> Safe:
    """Radios or checkboxes in a fieldset with legend, hint and error message."""
    checked = set(checked)
    items = []
    for index, option in enumerate(options):
        input_id = field_id(name, index)
        option_hint = (
            fmt('<div id="$id-hint" class="hint choice-hint">$hint</div>', id=input_id, hint=option.hint)
            if option.hint
            else EMPTY
        )
        items.append(
            fmt(
                '<div class="choice"><input class="choice-input" id="$id" name="$name" type="$kind" value="$value"'
                '$checked$described><label class="choice-label" for="$id">$label$tag</label>$hint</div>',
                id=input_id,
                name=name,
                kind=kind,
                value=option.value,
                label=option.label,
                checked=Safe(" checked") if option.value in checked else EMPTY,
                described=fmt(' aria-describedby="$id-hint"', id=input_id) if option.hint else EMPTY,
                tag=fmt(" $tag", tag=option.tag) if option.tag else EMPTY,
                hint=option_hint,
            )
        )
    return fmt(
        '<div class="form-group$group_class"$data><fieldset class="fieldset"$described>'
        '<legend class="legend $legend_class">$legend</legend>$hint$error<div class="choices$inline">$items</div>'
        "</fieldset></div>",
        group_class=group_class(error),
        described=described_by(name, hint, error),
        legend=legend,
        legend_class=legend_class,
        hint=hint_text(name, hint),
        error=error_message(name, error),
        items=join(items),
        inline=Safe(" choices-inline") if inline else EMPTY,
        data=extra,
    )


def radios(name: str, legend: object, options: Sequence[Choice], *, checked: str | None = None, **kwargs) -> Safe:
    return choices("radio", name, legend, options, checked=[checked] if checked else [], **kwargs)


def checkboxes(name: str, legend: object, options: Sequence[Choice], *, checked: Iterable[str] = (), **kwargs) -> Safe:
    return choices("checkbox", name, legend, options, checked=checked, **kwargs)


def text_input(
    name: str,
    label: object,
    *,
    value: str = "",
    error: str | None = None,
    hint: str = "",
    inputmode: str = "",
    autocomplete: str = "off",
    width: str = "",
    spellcheck: bool = True,
) -> Safe:
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<input class="input$width" id="$name" name="$name" type="text" value="$value" autocomplete="$autocomplete"'
        "$inputmode$described$invalid$spellcheck></div>",
        group_class=group_class(error),
        name=name,
        label=label,
        hint=hint_text(name, hint),
        error=error_message(name, error),
        width=Safe(f" input-{width}") if width else EMPTY,
        value=value,
        autocomplete=autocomplete,
        inputmode=fmt(' inputmode="$m"', m=inputmode) if inputmode else EMPTY,
        described=described_by(name, hint, error),
        invalid=invalid(error),
        spellcheck=EMPTY if spellcheck else Safe(' spellcheck="false"'),
    )


def form(action: str, csrf: str, content: Safe, *, novalidate: bool = True) -> Safe:
    return fmt(
        '<form method="post" action="$action"$novalidate>$csrf$content</form>',
        action=action,
        csrf=hidden("csrf", csrf),
        content=content,
        novalidate=Safe(" novalidate") if novalidate else EMPTY,
    )


def summary_list(rows: Sequence[tuple[str, object]]) -> Safe:
    """A GOV.UK summary list: term and value pairs."""
    return fmt(
        '<dl class="summary-list">$rows</dl>',
        rows=join(
            fmt(
                '<div class="summary-row"><dt class="summary-key">$key</dt><dd class="summary-value">$value</dd></div>',
                key=key,
                value=value,
            )
            for key, value in rows
        ),
    )
