"""Deprecated: the string.Template pages' HTML building; new and converted pages use the Jinja2 kit
(nara.shared.web.pages and templates/kit/macros.html). Kept until booking's pages and triage's console move.

Every value is escaped unless it is already Safe HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from string import Template

# Re-exported: the unconverted pages import them from here.
from .pages import SECURITY_HEADERS as SECURITY_HEADERS
from .pages import Choice as Choice


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


def join(parts: Iterable[object], separator: str = "") -> Safe:
    return Safe(separator.join(escape(part) for part in parts))


def when(condition: object, fragment: object) -> Safe:
    return escape(fragment) if condition else EMPTY


class Templates:
    """The $-template files of one directory; call it with a file name and the values to fill in."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._loaded: dict[str, Template] = {}

    def template(self, name: str) -> Template:
        if name not in self._loaded:
            self._loaded[name] = Template((self.directory / name).read_text(encoding="utf-8"))
        return self._loaded[name]

    def __call__(self, template_name: str, /, **values: object) -> Safe:
        """The file with every value escaped; a missing value is an error."""
        return Safe(self.template(template_name).substitute({key: escape(value) for key, value in values.items()}))


def field_id(name: str, index: int = 0) -> str:
    """A group's first input carries the bare name, so an error summary can link to it."""
    return name if index == 0 else f"{name}-{index + 1}"


def error_summary(errors: Sequence[tuple[str | None, str]]) -> Safe:
    """GOV.UK error summary: each error links to its field."""
    if not errors:
        return EMPTY
    items = join(
        fmt('<li><a href="#$anchor">$message</a></li>', anchor=anchor, message=message)
        if anchor
        else fmt("<li>$message</li>", message=message)
        for anchor, message in errors
    )
    return fmt(
        '<div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" '
        'data-error-summary><h2 class="error-summary-title" id="error-summary-title">Det finns ett problem</h2>'
        '<ul class="error-summary-list">$items</ul></div>',
        items=items,
    )


def error_message(name: str, error: str | None) -> Safe:
    """A field's error message, with the id its aria-describedby points at."""
    if not error:
        return EMPTY
    return fmt(
        '<p id="$name-fel" class="error-message"><span class="visually-hidden">Fel:</span> $error</p>',
        name=name,
        error=error,
    )


def hint_text(name: str, hint: str) -> Safe:
    return fmt('<div id="$name-hint" class="hint">$hint</div>', name=name, hint=hint) if hint else EMPTY


def described_by(name: str, hint: str, error: str | None) -> Safe:
    """The aria-describedby attribute naming a field's hint and error, if any."""
    ids = ([f"{name}-hint"] if hint else []) + ([f"{name}-fel"] if error else [])
    return fmt(' aria-describedby="$ids"', ids=" ".join(ids)) if ids else EMPTY


def group_class(error: str | None) -> Safe:
    return Safe(" form-group-error") if error else EMPTY


def invalid(error: str | None) -> Safe:
    return Safe(' aria-invalid="true"') if error else EMPTY


def textarea(
    name: str, label: str, *, value: str = "", error: str | None = None, hint: str = "", required: bool = False
) -> Safe:
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<textarea class="textarea" id="$name" name="$name" rows="4"$described$invalid$required>$value</textarea>'
        "</div>",
        group_class=group_class(error),
        name=name,
        label=label,
        hint=hint_text(name, hint),
        error=error_message(name, error),
        value=value,
        described=described_by(name, hint, error),
        invalid=invalid(error),
        required=Safe(" required") if required else EMPTY,
    )


def select(
    name: str, label: str, options: Sequence[Choice], *, selected: str = "", error: str | None = None, hint: str = ""
) -> Safe:
    items = join(
        fmt(
            '<option value="$value"$selected>$label</option>',
            value=o.value,
            label=o.label,
            selected=Safe(" selected") if o.value == selected else EMPTY,
        )
        for o in options
    )
    return fmt(
        '<div class="form-group$group_class"><label class="label" for="$name">$label</label>$hint$error'
        '<select class="select" id="$name" name="$name"$described$invalid>$items</select></div>',
        group_class=group_class(error),
        name=name,
        label=label,
        hint=hint_text(name, hint),
        error=error_message(name, error),
        items=items,
        described=described_by(name, hint, error),
        invalid=invalid(error),
    )


def hidden(name: str, value: str) -> Safe:
    return fmt('<input type="hidden" name="$name" value="$value">', name=name, value=value)


def button(text: str, *, kind: str = "", guard_double_click: bool = True) -> Safe:
    """A submit button; kind is '', 'secondary' or 'warning'."""
    return fmt(
        '<button type="submit" class="button$kind"$guard>$text</button>',
        kind=Safe(f" button-{kind}") if kind else EMPTY,
        text=text,
        guard=Safe(" data-prevent-double-click") if guard_double_click else EMPTY,
    )


def link_button(href: str, text: str, *, kind: str = "", shortcut: str = "") -> Safe:
    return fmt(
        '<a href="$href" role="button" draggable="false" class="button$kind"$shortcut>$text</a>',
        href=href,
        kind=Safe(f" button-{kind}") if kind else EMPTY,
        text=text,
        shortcut=fmt(' data-shortcut="$s"', s=shortcut) if shortcut else EMPTY,
    )


def staff_header(*, who: str, role: str, units: str, logout: str, csrf: str) -> Safe:
    """The header's 'logged in as' area with a logout form, for the staff pages."""
    return fmt(
        '<div class="header-user"><p class="header-who">Inloggad: <strong>$who</strong>, $role<br>'
        '<span class="header-units">$units</span></p><form method="post" action="$logout">'
        '<input type="hidden" name="csrf" value="$csrf"><button type="submit" class="button button-header">'
        "Logga ut</button></form></div>",
        who=who,
        role=role,
        units=units,
        logout=logout,
        csrf=csrf,
    )
