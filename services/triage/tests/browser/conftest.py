"""Fixtures for the console's browser tests: a real triage process wired to the real booking process, and Chromium.

The triage process runs a copy of the shipped guidelines in which one reason's red-flag questions
are moved last in the file, so the console has to put them first itself.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import yaml

from nara.devstack.browser import load_beside
from nara.devstack.testing import Infrastructure, scratch_schema, service_process
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER

HERE = Path(__file__).resolve().parent
DESKTOP = {"width": 1280, "height": 800}
REORDERED_REASON = "sore_throat"


def _load(name: str):
    return load_beside(__file__, name, "triage_browser")


@pytest.fixture(scope="session")
def steps():
    return _load("console_steps")


@pytest.fixture(scope="session")
def console_guidelines(tmp_path_factory) -> Path:
    """The shipped guidelines, with sore_throat's red-flag questions moved to the end of its file."""
    folder = tmp_path_factory.mktemp("guidelines") / "guidelines"
    shutil.copytree(SHIPPED_GUIDELINES_FOLDER, folder)
    path = folder / "reasons" / f"{REORDERED_REASON}.yaml"
    reason = yaml.safe_load(path.read_text(encoding="utf-8"))
    flagged = {question for flag in reason["red_flags"] for question in flag["when"]["answers"]}
    reason["questions"] = [q for q in reason["questions"] if q["id"] not in flagged] + [
        q for q in reason["questions"] if q["id"] in flagged
    ]
    path.write_text(yaml.safe_dump(reason, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


async def _triage_process(
    infrastructure: Infrastructure, tmp_path_factory, booking_url: str, monitor_url: str, guidelines: Path
):
    async with scratch_schema(infrastructure.database_urls["triage"], prefix="console") as url:
        env = {
            "TRIAGE_BOOKING_URL": booking_url,
            "TRIAGE_GUARANTEE_MONITOR_URL": monitor_url,
            "TRIAGE_GUIDELINES_DIR": str(guidelines),
        }
        with service_process("triage", infrastructure, url, env, tmp_path_factory.mktemp("console-logs")) as base:
            yield base


@pytest.fixture(scope="session")
async def guarantee_monitor(infrastructure: Infrastructure, tmp_path_factory) -> str:
    """A real guarantee-monitor process with a consumer group of its own: the console shows its clocks."""
    env = {
        "GUARANTEE_MONITOR_CONSUMER_GROUP": f"console-browser-{uuid.uuid4().hex[:8]}",
        "GUARANTEE_MONITOR_SCHEDULER_INTERVAL_SECONDS": "0.2",
    }
    async with scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="console") as url:
        with service_process(
            "guarantee-monitor", infrastructure, url, env, tmp_path_factory.mktemp("console-monitor-logs")
        ) as base:
            yield base


@pytest.fixture(scope="session")
async def triage_console(
    infrastructure: Infrastructure,
    booking_service: str,
    guarantee_monitor: str,
    console_guidelines: Path,
    tmp_path_factory,
):
    """A real triage process whose console books through the real booking process and shows the real guarantee
    monitor's clocks; yields its base URL."""
    async for base in _triage_process(
        infrastructure, tmp_path_factory, booking_service, guarantee_monitor, console_guidelines
    ):
        yield base


@pytest.fixture(scope="session")
async def triage_without_booking(infrastructure: Infrastructure, console_guidelines: Path, tmp_path_factory):
    """A triage process whose booking service and guarantee monitor do not answer (nothing listens on their ports)."""
    from nara.devstack.processes import free_port

    async for base in _triage_process(
        infrastructure,
        tmp_path_factory,
        f"http://127.0.0.1:{free_port()}",
        f"http://127.0.0.1:{free_port()}",
        console_guidelines,
    ):
        yield base


async def _desk(browser, base_url: str, *, bypass_csp: bool = False):
    context = await browser.new_context(
        viewport=DESKTOP, locale="sv-SE", timezone_id="Europe/Stockholm", base_url=base_url, bypass_csp=bypass_csp
    )
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()


@pytest.fixture
async def desk(browser, triage_console: str):
    """A fresh desktop browser tab on the console, with no login."""
    async for page in _desk(browser, triage_console):
        yield page


@pytest.fixture
async def audit_desk(browser, triage_console: str):
    """Like desk, but the page's Content-Security-Policy lets add_script_tag inject axe-core."""
    async for page in _desk(browser, triage_console, bypass_csp=True):
        yield page


@pytest.fixture
async def desk_without_booking(browser, triage_without_booking: str):
    async for page in _desk(browser, triage_without_booking):
        yield page
