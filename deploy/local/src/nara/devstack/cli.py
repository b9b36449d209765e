"""nara-stack: bring Nära's real PostgreSQL, Kafka and services up and down on this machine."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from .errors import StackError
from .keycloak import ADMIN_PASSWORD, ADMIN_USER, REALM
from .services import SERVICES
from .stack import LocalStack, wait_for_no_leftovers

COMPONENTS = ["postgres", "kafka", "zipkin", "keycloak", "mailpit", *(spec.name for spec in SERVICES), "supervisord"]
PAGES = {"booking": "/", "triage": "/console", "guarantee-monitor": "/ops"}
# Further pages a service serves, printed under it: (path, what it is).
MORE_PAGES = {"booking": [("/personal/schema", "the clinic's schedule and day's book (staff)")]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nara-stack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start PostgreSQL and Kafka (does nothing when they already run)")
    run = commands.add_parser("run", help="start PostgreSQL, Kafka, Zipkin and the three services; print their URLs")
    run.add_argument(
        "--no-zipkin",
        action="store_true",
        help="leave the trace viewer out (saves memory and start-up); the services then export no spans",
    )
    run.add_argument(
        "--no-idp",
        action="store_true",
        help="leave Keycloak (the identity provider, needs Java 21+) out; the pages keep the development login",
    )
    run.add_argument(
        "--no-mail",
        action="store_true",
        help="leave Mailpit (the local mail server, built with Go) out; the services then send no e-mail",
    )
    commands.add_parser("status", help="what runs, where")
    logs = commands.add_parser("logs", help="show a component's log")
    logs.add_argument("component", choices=COMPONENTS)
    logs.add_argument("-n", "--lines", type=int, default=100)
    logs.add_argument("-f", "--follow", action="store_true")
    down = commands.add_parser("down", help="stop everything this stack started, or only the services named")
    # No argparse choices: Python 3.11 checks an empty list against them and refuses a bare 'down'.
    down.add_argument(
        "services",
        nargs="*",
        metavar="SERVICE",
        help="stop only these (say, one that keeps crashing); './nara run' starts them again",
    )
    commands.add_parser("destroy", help="stop everything and delete the stack's data")
    commands.add_parser("env", help="print shell exports that point tests and tools at this stack")
    args = parser.parse_args(argv)
    unknown = set(getattr(args, "services", [])) - {spec.name for spec in SERVICES}
    if unknown:
        parser.error(f"no such service: {', '.join(sorted(unknown))} (booking, triage, guarantee-monitor)")
    try:
        return COMMANDS[args.command](LocalStack(), args)
    except StackError as error:
        print(f"nara-stack: {error}", file=sys.stderr)
        return 1


def _up(stack: LocalStack, _args) -> int:
    started_at = time.monotonic()
    if not stack.up():
        print("PostgreSQL and Kafka are already running.")
    else:
        print(f"Infrastructure up in {time.monotonic() - started_at:.1f} s.")
    _print_infrastructure(stack)
    return 0


def _run(stack: LocalStack, args) -> int:
    started_at = time.monotonic()
    stack.up()
    _print_infrastructure(stack)
    stack.start_services(zipkin=not args.no_zipkin, identity_provider=not args.no_idp, mail=not args.no_mail)
    print(f"\nNära is running ({time.monotonic() - started_at:.1f} s):")
    for spec in SERVICES:
        url = stack.services.url(spec)
        print(f"  {spec.name:<18} {url}{PAGES[spec.name]}   API docs {url}/docs")
        for path, what in MORE_PAGES.get(spec.name, []):
            print(f"  {'':<18} {url}{path}   {what}")
    if stack.zipkin.is_running():
        print(f"  {'traces (Zipkin)':<18} {stack.zipkin.ui_url}   (Zipkin {stack.zipkin.version()}, kept in memory)")
    _print_mail_server(stack)
    _print_identity_provider(stack, skipped=args.no_idp)
    print("\nLogs: ./nara logs <component>    Stop: ./nara down")
    print("A service that dies is restarted by supervisord; ./nara status counts the restarts.")
    return 0


def _status(stack: LocalStack, _args) -> int:
    for component, state in stack.status().items():
        print(f"{component:<18} {state}")
    return 0


def _logs(stack: LocalStack, args) -> int:
    log = stack.log_file(args.component)
    if not log.exists():
        print(f"{args.component} has written no log yet ({log}).")
        return 0
    command = ["tail", "-n", str(args.lines), *(["-F"] if args.follow else []), str(log)]
    return subprocess.call(command)


def _down(stack: LocalStack, args) -> int:
    if args.services:
        stopped = stack.stop_services(args.services)
        print(f"Stopped: {', '.join(stopped)}." if stopped else "None of them was running.")
        return 0
    stopped = stack.down()
    print(f"Stopped: {', '.join(stopped)}." if stopped else "Nothing was running.")
    leftovers = wait_for_no_leftovers(stack)
    if leftovers:
        print(f"Still running after down: {', '.join(leftovers)}", file=sys.stderr)
        return 1
    return 0


def _destroy(stack: LocalStack, _args) -> int:
    stack.destroy()
    print(f"Stopped everything and deleted {stack.layout.state_dir}.")
    return 0


def _env(stack: LocalStack, _args) -> int:
    for name, value in stack.environment().items():
        print(f"export {name}='{value}'")
    return 0


def _print_identity_provider(stack: LocalStack, *, skipped: bool) -> None:
    keycloak = stack.keycloak
    if skipped and keycloak.is_running():
        print(f"\n--no-idp, but the Keycloak of an earlier run still runs ({keycloak.issuer}); './nara down' stops it.")
        return
    if not keycloak.is_running():
        print("\nNo identity provider (--no-idp): the pages use the development login, no password asked.")
        return
    if keycloak.started_in is not None:
        kind = "first start, with Keycloak's build step" if keycloak.cold_start else "warm start"
        took = f"started in {keycloak.started_in:.1f} s, {kind}"
    else:
        took = "already running"
    print(f"\nIdentity provider: Keycloak {keycloak.version()} ({took}), realm '{REALM}', dev-only passwords")
    print(f"  {'issuer':<18} {keycloak.issuer}")
    print(f"  {'account console':<18} {keycloak.account_console_url}   (test users in README, password nara-dev)")
    print(f"  {'admin console':<18} {keycloak.admin_console_url}   ({ADMIN_USER} / {ADMIN_PASSWORD})")


def _print_mail_server(stack: LocalStack) -> None:
    mailpit = stack.mailpit
    if not mailpit.is_running():
        print(f"  {'mail (Mailpit)':<18} not started (--no-mail): the services send no e-mail")
        return
    took = f"started in {mailpit.started_in:.1f} s" if mailpit.started_in is not None else "already running"
    print(f"  {'mail (Mailpit)':<18} {mailpit.url}/   the web inbox of every e-mail the services send")
    print(f"  {'':<18} SMTP {mailpit.smtp_address}, API {mailpit.url}/api/v1 (Mailpit {mailpit.version()}, {took})")


def _print_infrastructure(stack: LocalStack) -> None:
    print(f"  PostgreSQL  127.0.0.1:{stack.postgres.port}  ({stack.postgres.version()})")
    print(f"  Kafka       {stack.kafka.bootstrap_servers}  (Apache Kafka {stack.kafka.version()}, KRaft)")


COMMANDS = {"up": _up, "run": _run, "status": _status, "logs": _logs, "down": _down, "destroy": _destroy, "env": _env}

if __name__ == "__main__":
    sys.exit(main())
