"""Command-line tools the deployment checks use, found on PATH or where './nara test' builds them."""

from __future__ import annotations

import shutil

from nara.devstack.layout import REPO_ROOT

# './nara test' builds kustomize here with the machine's Go (Debian has no package of it).
TOOL_CACHE = REPO_ROOT / ".state" / "cache" / "bin"


def find_tool(name: str) -> str | None:
    """The tool's path, or None when neither PATH nor the project's tool cache has it."""
    on_path = shutil.which(name)
    if on_path:
        return on_path
    cached = TOOL_CACHE / name
    return str(cached) if cached.is_file() else None
