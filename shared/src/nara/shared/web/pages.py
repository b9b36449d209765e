"""One app's pages on the kit: its own templates folder over the kit's, rendered by Jinja2 with autoescape on.

An app's template names its own files plainly ("overview.html") and the kit's with the kit/ prefix
("kit/layout.html", "kit/macros.html"): a ChoiceLoader tries the app's folder, then a PrefixLoader holds the kit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined

from .swedish import FILTERS

KIT_TEMPLATES = Path(__file__).with_name("templates")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class Choice:
    """One radio, checkbox or select option; `tag` is markup shown after the label (a Markup or a Safe)."""

    value: str
    label: str
    hint: str = ""
    tag: str = ""


STAFF_STYLES_DIR = Path(__file__).parent / "static"  # staff.css, the staff apps' one stylesheet


@dataclass(frozen=True)
class Site:
    """What the kit's layout shows around every page of one app."""

    name: str  # the service's name in the header, e.g. "Nära"
    product: str  # after the name, e.g. "drift"; page titles end "– Nära drift"
    home: str  # the header's link, e.g. "/ops"
    home_link: str = "Till startsidan"  # the words of a link back to home, e.g. "Till driftsidan"
    stylesheets: Sequence[str] = ()
    scripts: Sequence[str] = ()  # loaded with defer
    html_class: str = ""  # e.g. "no-js", which the app's script removes
    main_id: str = "main"  # the skip link's target

    @property
    def title(self) -> str:
        return f"{self.name} {self.product}".strip()


def choices(options: Mapping[str, str] | Sequence[tuple[str, str]]) -> list[Choice]:
    """Radios, checkboxes or select options from {value: label} or (value, label) pairs."""
    pairs = options.items() if isinstance(options, Mapping) else options
    return [Choice(value, text) for value, text in pairs]


class PageKit:
    """The templates of one app, with the kit's macros, layout, filters and error pages beside them."""

    def __init__(
        self,
        templates: Path,
        site: Site,
        *,
        filters: Mapping[str, Callable[..., Any]] | None = None,
        template_globals: Mapping[str, Any] | None = None,
    ) -> None:
        """`templates` is the app's own folder; `filters` and `template_globals` add the app's own words."""
        self.site = site
        environment = Environment(
            loader=ChoiceLoader(
                [FileSystemLoader(templates), PrefixLoader({"kit": FileSystemLoader(KIT_TEMPLATES / "kit")})]
            ),
            autoescape=True,  # every value is escaped unless marked safe; a page never builds HTML from strings
            undefined=StrictUndefined,  # a misspelt name fails the render (and the test), not shows an empty space
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.filters.update({**FILTERS, **(filters or {})})
        environment.globals.update(site=site, choices=choices, **(template_globals or {}))
        self.templates = Jinja2Templates(env=environment)

    def render(
        self,
        request: Request,
        template: str,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """A whole page (or a fragment) with the security headers; the layout finds the logged-in person in
        request.state.staff, which the login's dependencies set. `errors` are (field, message) pairs: each in the
        error summary, and one with a field beside it too (field_errors, unless the caller gives them)."""
        context["errors"] = errors = list(context.get("errors", []))
        context.setdefault("field_errors", {field: message for field, message in errors if field})
        context.setdefault("staff", getattr(request.state, "staff", None))
        return self.templates.TemplateResponse(
            request,
            template,
            context,
            status_code=status_code,
            headers={**SECURITY_HEADERS, **(headers or {})},
        )

    def problem_page(
        self,
        request: Request,
        title: str,
        message: str,
        *,
        status_code: int,
        action: tuple[str, str] | None = None,
    ) -> HTMLResponse:
        """A short Swedish page saying what went wrong and where to go on, e.g. ("/ops", "Till driftsidan")."""
        href, text = action or (self.site.home, self.site.home_link)
        return self.render(
            request, "kit/problem.html", status_code=status_code, title=title, message=message, href=href, link=text
        )

    def install(self, app: FastAPI) -> None:
        """Make this the app's kit: its 404 and 500 pages for page routes use this layout."""
        app.state.page_kit = self


def see_other(location: str) -> RedirectResponse:
    """After a form: 303 to the next page, never cached."""
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})
