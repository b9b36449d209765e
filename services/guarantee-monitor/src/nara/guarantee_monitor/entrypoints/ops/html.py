"""The operations page's HTML: the shared safe kit (nara.shared.web.html) and the few fields only /ops uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from nara.shared.web import html as kit
from nara.shared.web.html import (
    EMPTY,
    Choice,
    Safe,
    Templates,
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
)

__all__ = [
    "EMPTY",
    "Safe",
    "button",
    "checkboxes",
    "error_summary",
    "escape",
    "fmt",
    "hidden",
    "join",
    "render",
    "select",
    "text_input",
]

render = Templates(Path(__file__).with_name("templates"))


def text_input(name: str, label: str, *, value: str = "", error: str | None = None, hint: str = "") -> Safe:
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<input class="input input-20" id="$name" name="$name" type="text" value="$value" autocomplete="off" '
        'spellcheck="false"$described$invalid></div>',
        group_class=group_class(error),
        name=name,
        label=label,
        hint=hint_text(name, hint),
        error=error_message(name, error),
        value=value,
        described=described_by(name, hint, error),
        invalid=invalid(error),
    )


def checkboxes(
    name: str,
    legend: str,
    options: Sequence[tuple[str, str]],
    *,
    checked: Iterable[str] = (),
    error: str | None = None,
    hint: str = "",
) -> Safe:
    """Checkboxes (value, label) in a fieldset; the first input carries the bare name, for the error summary."""
    checked = set(checked)
    items = join(
        fmt(
            '<div class="choice"><input class="choice-input" id="$id" name="$name" type="checkbox" '
            'value="$value"$checked><label class="choice-label" for="$id">$label</label></div>',
            id=field_id(name, index),
            name=name,
            value=value,
            label=text,
            checked=Safe(" checked") if value in checked else EMPTY,
        )
        for index, (value, text) in enumerate(options)
    )
    return fmt(
        '<div class="form-group$group_class"><fieldset class="fieldset"$described>'
        '<legend class="legend">$legend</legend>$hint$error<div class="choices">$items</div></fieldset></div>',
        group_class=group_class(error),
        described=described_by(name, hint, error),
        legend=legend,
        error=error_message(name, error),
        items=items,
        hint=hint_text(name, hint),
    )


def select(name: str, label: str, options: Sequence[tuple[str, str]], *, selected: str = "") -> Safe:
    return kit.select(name, label, [Choice(value, text) for value, text in options], selected=selected)


def button(text: str, *, kind: str = "") -> Safe:
    """A submit button; kind is '' or 'secondary'."""
    return kit.button(text, kind=kind, guard_double_click=False)
