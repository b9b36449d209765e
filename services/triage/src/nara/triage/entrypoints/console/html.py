"""Small, safe HTML building: every value is escaped unless it is already Safe HTML.

Jinja2 is not among the project's dependencies, so the console uses string.Template files ($name)
and a few form helpers that follow the GOV.UK Design System's markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).with_name("templates")


class Safe(str):
    """Text that is already HTML; inserted as it is."""


EMPTY = Safe("")


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
    """A template file from templates/, every value escaped; a missing value is an error."""
    return Safe(_template(template_name).substitute({key: escape(value) for key, value in values.items()}))


def join(parts: Iterable[object], separator: str = "") -> Safe:
    return Safe(separator.join(escape(part) for part in parts))


def when(condition: object, fragment: object) -> Safe:
    return escape(fragment) if condition else EMPTY


@dataclass(frozen=True)
class Choice:
    """One radio, checkbox or select option."""

    value: str
    label: str
    hint: str = ""
    tag: Safe = EMPTY


def error_summary(errors: Sequence[tuple[str | None, str]]) -> Safe:
    """GOV.UK error summary: each error links to its field."""
    if not errors:
        return EMPTY
    items = join(fmt('<li><a href="#$anchor">$message</a></li>', anchor=anchor, message=message) if anchor
                 else fmt("<li>$message</li>", message=message) for anchor, message in errors)
    return fmt('<div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" '
               'data-error-summary><h2 class="error-summary-title" id="error-summary-title">Det finns ett problem</h2>'
               '<ul class="error-summary-list">$items</ul></div>', items=items)


def _error(name: str, error: str | None) -> Safe:
    if not error:
        return EMPTY
    return fmt('<p id="$name-fel" class="error-message"><span class="visually-hidden">Fel:</span> $error</p>',
               name=name, error=error)


def _hint(name: str, hint: str) -> Safe:
    return fmt('<div id="$name-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else EMPTY


def _described(name: str, hint: str, error: str | None) -> Safe:
    ids = ([f"{name}-hint"] if hint else []) + ([f"{name}-fel"] if error else [])
    return fmt(' aria-describedby="$ids"', ids=" ".join(ids)) if ids else EMPTY


def _group_class(error: str | None) -> Safe:
    return Safe(" form-group-error") if error else EMPTY


def field_id(name: str, index: int = 0) -> str:
    """A group's first input carries the bare name, so an error summary can link to it."""
    return name if index == 0 else f"{name}-{index + 1}"


def choices(kind: str, name: str, legend: object, options: Sequence[Choice], *, checked: Iterable[str] = (),
            error: str | None = None, hint: str = "", inline: bool = False, legend_class: str = "",
            extra: Safe = EMPTY) -> Safe:
    """Radios or checkboxes in a fieldset with legend, hint and error message."""
    checked = set(checked)
    items = []
    for index, option in enumerate(options):
        input_id = field_id(name, index)
        option_hint = fmt('<div id="$id-hint" class="hint choice-hint">$hint</div>', id=input_id, hint=option.hint) \
            if option.hint else EMPTY
        items.append(fmt(
            '<div class="choice"><input class="choice-input" id="$id" name="$name" type="$kind" value="$value"'
            '$checked$described><label class="choice-label" for="$id">$label$tag</label>$hint</div>',
            id=input_id, name=name, kind=kind, value=option.value, label=option.label,
            checked=Safe(" checked") if option.value in checked else EMPTY,
            described=fmt(' aria-describedby="$id-hint"', id=input_id) if option.hint else EMPTY,
            tag=fmt(" $tag", tag=option.tag) if option.tag else EMPTY, hint=option_hint))
    return fmt(
        '<div class="form-group$group_class"$data><fieldset class="fieldset"$described>'
        '<legend class="legend $legend_class">$legend</legend>$hint$error<div class="choices$inline">$items</div>'
        '</fieldset></div>',
        group_class=_group_class(error), described=_described(name, hint, error), legend=legend,
        legend_class=legend_class, hint=_hint(name, hint), error=_error(name, error), items=join(items),
        inline=Safe(" choices-inline") if inline else EMPTY, data=extra)


def radios(name: str, legend: object, options: Sequence[Choice], *, checked: str | None = None, **kwargs) -> Safe:
    return choices("radio", name, legend, options, checked=[checked] if checked else [], **kwargs)


def checkboxes(name: str, legend: object, options: Sequence[Choice], *, checked: Iterable[str] = (),
               **kwargs) -> Safe:
    return choices("checkbox", name, legend, options, checked=checked, **kwargs)


def text_input(name: str, label: object, *, value: str = "", error: str | None = None, hint: str = "",
               inputmode: str = "", autocomplete: str = "off", width: str = "", spellcheck: bool = True) -> Safe:
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<input class="input$width" id="$name" name="$name" type="text" value="$value" autocomplete="$autocomplete"'
        '$inputmode$described$invalid$spellcheck></div>',
        group_class=_group_class(error), name=name, label=label, hint=_hint(name, hint), error=_error(name, error),
        width=Safe(f" input-{width}") if width else EMPTY, value=value, autocomplete=autocomplete,
        inputmode=fmt(' inputmode="$m"', m=inputmode) if inputmode else EMPTY,
        described=_described(name, hint, error), invalid=Safe(' aria-invalid="true"') if error else EMPTY,
        spellcheck=EMPTY if spellcheck else Safe(' spellcheck="false"'))


def textarea(name: str, label: str, *, value: str = "", error: str | None = None, hint: str = "") -> Safe:
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<textarea class="textarea" id="$name" name="$name" rows="4"$described$invalid>$value</textarea></div>',
        group_class=_group_class(error), name=name, label=label, hint=_hint(name, hint), error=_error(name, error),
        value=value, described=_described(name, hint, error),
        invalid=Safe(' aria-invalid="true"') if error else EMPTY)


def select(name: str, label: str, options: Sequence[Choice], *, selected: str = "", error: str | None = None,
           hint: str = "") -> Safe:
    items = join(fmt('<option value="$value"$selected>$label</option>', value=o.value, label=o.label,
                     selected=Safe(" selected") if o.value == selected else EMPTY) for o in options)
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<select class="select" id="$name" name="$name"$described$invalid>$items</select></div>',
        group_class=_group_class(error), name=name, label=label, hint=_hint(name, hint), error=_error(name, error),
        items=items, described=_described(name, hint, error),
        invalid=Safe(' aria-invalid="true"') if error else EMPTY)


def hidden(name: str, value: str) -> Safe:
    return fmt('<input type="hidden" name="$name" value="$value">', name=name, value=value)


def button(text: str, *, kind: str = "") -> Safe:
    """A submit button; kind is '', 'secondary' or 'warning'."""
    return fmt('<button type="submit" class="button$kind" data-prevent-double-click>$text</button>',
               kind=Safe(f" button-{kind}") if kind else EMPTY, text=text)


def link_button(href: str, text: str, *, kind: str = "", shortcut: str = "") -> Safe:
    return fmt('<a href="$href" role="button" draggable="false" class="button$kind"$shortcut>$text</a>',
               href=href, kind=Safe(f" button-{kind}") if kind else EMPTY, text=text,
               shortcut=fmt(' data-shortcut="$s"', s=shortcut) if shortcut else EMPTY)


def form(action: str, csrf: str, content: Safe, *, novalidate: bool = True) -> Safe:
    return fmt('<form method="post" action="$action"$novalidate>$csrf$content</form>', action=action,
               csrf=hidden("csrf", csrf), content=content, novalidate=Safe(" novalidate") if novalidate else EMPTY)


def summary_list(rows: Sequence[tuple[str, object]]) -> Safe:
    """A GOV.UK summary list: term and value pairs."""
    return fmt('<dl class="summary-list">$rows</dl>', rows=join(
        fmt('<div class="summary-row"><dt class="summary-key">$key</dt><dd class="summary-value">$value</dd></div>',
            key=key, value=value) for key, value in rows))
