"""Small, safe HTML building: every value is escaped unless it is already Safe HTML.

Jinja2 is not among the project's dependencies, so the operations page uses string.Template files
($name) and a few form helpers that follow the GOV.UK Design System's markup (as the triage console does).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
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


def error_summary(errors: Sequence[tuple[str, str]]) -> Safe:
    """GOV.UK error summary: each error links to its field."""
    if not errors:
        return EMPTY
    items = join(fmt('<li><a href="#$anchor">$message</a></li>', anchor=anchor, message=message)
                 for anchor, message in errors)
    return fmt('<div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" '
               'data-error-summary><h2 class="error-summary-title" id="error-summary-title">Det finns ett problem</h2>'
               '<ul class="error-summary-list">$items</ul></div>', items=items)


def _error(name: str, error: str | None) -> Safe:
    if not error:
        return EMPTY
    return fmt('<p id="$name-fel" class="error-message"><span class="visually-hidden">Fel:</span> $error</p>',
               name=name, error=error)


def _described(name: str, hint: str, error: str | None) -> Safe:
    ids = ([f"{name}-hint"] if hint else []) + ([f"{name}-fel"] if error else [])
    return fmt(' aria-describedby="$ids"', ids=" ".join(ids)) if ids else EMPTY


def text_input(name: str, label: str, *, value: str = "", error: str | None = None, hint: str = "") -> Safe:
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<input class="input input-20" id="$name" name="$name" type="text" value="$value" autocomplete="off" '
        'spellcheck="false"$described$invalid></div>',
        group_class=Safe(" form-group-error") if error else EMPTY, name=name, label=label,
        hint=fmt('<div id="$name-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else EMPTY,
        error=_error(name, error), value=value, described=_described(name, hint, error),
        invalid=Safe(' aria-invalid="true"') if error else EMPTY)


def checkboxes(name: str, legend: str, options: Sequence[tuple[str, str]], *, checked: Iterable[str] = (),
               error: str | None = None, hint: str = "") -> Safe:
    """Checkboxes (value, label) in a fieldset; the first input carries the bare name, for the error summary."""
    checked = set(checked)
    items = join(fmt('<div class="choice"><input class="choice-input" id="$id" name="$name" type="checkbox" '
                     'value="$value"$checked><label class="choice-label" for="$id">$label</label></div>',
                     id=name if index == 0 else f"{name}-{index + 1}", name=name, value=value, label=text,
                     checked=Safe(" checked") if value in checked else EMPTY)
                 for index, (value, text) in enumerate(options))
    return fmt('<div class="form-group$group_class"><fieldset class="fieldset"$described>'
               '<legend class="legend">$legend</legend>$hint$error<div class="choices">$items</div></fieldset></div>',
               group_class=Safe(" form-group-error") if error else EMPTY, described=_described(name, hint, error),
               legend=legend, error=_error(name, error), items=items,
               hint=fmt('<div id="$name-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else EMPTY)


def select(name: str, label: str, options: Sequence[tuple[str, str]], *, selected: str = "") -> Safe:
    items = join(fmt('<option value="$value"$selected>$text</option>', value=value, text=text,
                     selected=Safe(" selected") if value == selected else EMPTY) for value, text in options)
    return fmt('<div class="form-group"><label class="label" for="$name">$label</label>'
               '<select class="select" id="$name" name="$name">$items</select></div>',
               name=name, label=label, items=items)


def hidden(name: str, value: str) -> Safe:
    return fmt('<input type="hidden" name="$name" value="$value">', name=name, value=value)


def button(text: str, *, kind: str = "") -> Safe:
    """A submit button; kind is '' or 'secondary'."""
    return fmt('<button type="submit" class="button$kind">$text</button>',
               kind=Safe(f" button-{kind}") if kind else EMPTY, text=text)
