"""What every page test shares: Debian's Chromium driven by Playwright, axe-core's WCAG checks, helper loading."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from .layout import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
# Playwright cannot download its own browser here; these flags keep Chromium off the closed network.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FOLDER = REPO_ROOT / "tests" / "browser"


def axe_script() -> Path:
    """axe-core from npm (tests/browser/package-lock.json), installed on first use."""
    script = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        subprocess.run(["npm", "ci", "--prefix", str(AXE_FOLDER)], check=True, cwd=REPO_ROOT, timeout=300)
    return script


async def launch_chromium(playwright):
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def axe_results(page, script: Path | None = None) -> dict:
    """axe-core's WCAG 2.1 A and AA results for the page as it is now."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(script or axe_script()))
    return await page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)


def serious(results: dict) -> list[dict]:
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


async def assert_accessible(page, script: Path | None, name: str) -> None:
    """axe-core finds nothing serious or critical on the page, and did check something."""
    results = await axe_results(page, script)
    described = [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:3]]}
        for v in serious(results)
    ]
    # Raised, not asserted: the page tests depend on it even under python -O.
    if described:
        raise AssertionError(f"axe found serious or critical problems on '{name}': {json.dumps(described, indent=1)}")
    if not results["passes"]:
        raise AssertionError(f"axe checked nothing on '{name}'")


def load_beside(conftest_file: str, name: str, prefix: str):
    """A helper module beside a conftest (the importlib import mode keeps test folders off sys.path), loaded once."""
    qualified = f"{prefix}_{name}"
    if qualified not in sys.modules:
        spec = importlib.util.spec_from_file_location(qualified, Path(conftest_file).resolve().parent / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module
        spec.loader.exec_module(module)
    return sys.modules[qualified]


async def log_in_at_provider(
    page,
    username: str,
    password: str = "nara-dev",  # noqa: S107 - every test user's in the development realm file, guards nothing real
) -> None:
    """Fill in and send Keycloak's own login page, where the page now is."""
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(password)
    await page.locator("#kc-login").click()


async def provider_asks_for_the_password_again(page, path: str, issuer: str) -> None:
    """After logging out of an app: `path` sends the browser to Keycloak, whose own session is over too."""
    from playwright.async_api import expect

    await page.goto(path)
    if not page.url.startswith(issuer):
        raise AssertionError(f"{path} did not send the browser to the provider: it is on {page.url}")
    await expect(page.locator("#password")).to_be_visible()


# Keyboard-only steps: Tab through the page as a person without a mouse would.
MAX_TABS = 200


async def focused(page) -> dict:
    """The focused element's tag, type, name, value and visible text."""
    return await page.evaluate("""() => {
        const el = document.activeElement;
        return {tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '',
                text: (el.innerText || '').replace(/\\s+/g, ' ').trim()};
    }""")


async def tab_to(page, wanted) -> None:
    """Press Tab until `wanted(focused)` holds; fail after MAX_TABS presses."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if wanted(await focused(page)):
            return
    raise AssertionError("Tab never reached the element")


async def type_into(page, name: str, text: str) -> None:
    await tab_to(page, lambda f: f["name"] == name)
    await page.keyboard.type(text)


async def press_button(page, text: str) -> None:
    await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == text)
    await page.keyboard.press("Enter")
