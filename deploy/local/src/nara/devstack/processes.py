"""Detached child processes tracked by pid files, so a later command can find and stop them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is gone for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def read_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if is_alive(pid) else None


def start_detached(
    command: list[str], *, log_file: Path, pid_file: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> int:
    """Start a process in its own session, so it outlives this command and can be stopped as a group."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
    pid_file.write_text(str(process.pid))
    return process.pid


def stop_group(pid_file: Path, *, grace_seconds: float) -> bool:
    """SIGTERM the process group, wait for it, then SIGKILL what is left. Returns whether one ran."""
    pid = read_pid(pid_file)
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline and _group_alive(pid):
        time.sleep(0.1)
    if _group_alive(pid):
        _signal_group(pid, signal.SIGKILL)
        while _group_alive(pid):
            time.sleep(0.05)
    return True


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return any(is_alive(pid) for pid in _members_of_group(pgid))


def _members_of_group(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listens_in_group(port: int, group: int) -> bool | None:
    """Whether a process of the process group `group` listens on `port` (TCP, any address); None where /proc cannot
    tell. Another stack's server may answer on a port we chose at the same moment; this tells whose it is."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if os.getpgid(int(proc.name)) != group:
                continue
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return True
        except (OSError, ValueError):  # gone meanwhile, or not ours to read
            continue
    return False


def _listening_inodes(port: int) -> set[str] | None:
    """The sockets ("socket:[inode]") listening on `port`, from /proc/net/tcp and tcp6; None without them."""
    found: set[str] = set()
    read_any = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        read_any = True
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                found.add(f"socket:[{inode}]")
    return found if read_any else None


def choose_port(preferred: int) -> int:
    """The contract's default port when nothing listens there, else any free one."""
    return free_port() if port_is_open(preferred) else preferred


def wait_until(check, *, timeout: float, interval: float = 0.2, what: str) -> None:
    from .errors import StackError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise StackError(f"{what} did not come up within {timeout:.0f} s")


def run_coroutine(coroutine):
    """asyncio.run, also from code already inside an event loop (a benchmark's async main starting the stack)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()
