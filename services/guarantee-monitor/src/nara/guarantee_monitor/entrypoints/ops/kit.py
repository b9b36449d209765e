"""The operations pages on the shared page kit: their site, templates, staff login and route class."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends

from nara.shared.web.login import Staff, StaffLogin
from nara.shared.web.pages import PageKit, Site
from nara.shared.web.routing import PageRoute
from nara.shared.web.swedish import UNITS

from .queries import urgent_hours
from .swedish import FILTERS, TEMPLATE_GLOBALS

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

SITE = Site(
    name="Nära",
    product="drift",
    home="/ops",
    home_link="Till driftsidan",
    stylesheets=["/ops/static/ops.css"],
    scripts=["/ops/static/ops.js"],
    html_class="no-js",
)
KIT = PageKit(
    HERE / "templates", SITE, filters={**FILTERS, "urgent_hours": urgent_hours}, template_globals=TEMPLATE_GLOBALS
)

LOGIN = StaffLogin(
    home="/ops",
    cookie="nara_ops",
    purpose="ops-csrf",
    key_variable="GUARANTEE_MONITOR_OPS_SECRET",
    units=UNITS,
    roles={"ops": "drift"},
    example_hsa_id="SE2321000115-P000000701",
    units_error="Välj minst en enhet du följer.",
)

CurrentStaff = Annotated[Staff, Depends(LOGIN.current_staff)]
OptionalStaff = Annotated[Staff | None, Depends(LOGIN.optional_staff)]


class OpsRoute(PageRoute):
    """Operations pages answer with pages: a missing login redirects, and a refusal is a Swedish sentence."""

    kit = KIT
    login_home = "/ops"
    bad_address = "Något i adressen går inte att läsa, till exempel ett datum. Gå till driftsidan och försök igen."
