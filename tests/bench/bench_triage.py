"""Triage decision latency: in-process (the guideline registry called directly) and over HTTP, 100 at a time.

The cases are a mix over every contact reason in the shipped guidelines (services/triage/guidelines), each
with an age the reason is for, a channel, and answers drawn from the reason's own questions: yes/no,
one of the options offered, or a number within the question's range; some questions left unanswered.
Every case is checked to give a decision in-process before it is timed.

In-process, `GuidelineRegistry(folder).evaluate(...)` is timed call by call, alone and together with
turning the decision into JSON as the endpoint does. Over HTTP, a real triage process (on a scratch schema
of the triage database) answers `POST /api/v1/triage/evaluate` with a reception token, first one request
at a time, then with --concurrency requests in flight; each request is timed from send to the whole
response read.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
from bench_booking import ITS_BACKENDS, LOADGEN, OTHER, UNATTRIBUTED, UNDER_TEST, CpuWindow, background_load, child_pids

from nara.devstack.testing import real_infrastructure, scratch_schema, service_process
from nara.shared.events.vocabulary import Channel
from nara.shared.identity import issue_dev_token
from nara.triage.adapters.guideline_files import GuidelineFolder, load_guidelines
from nara.triage.domain.conditions import Sex
from nara.triage.domain.patient import PatientFacts
from nara.triage.domain.questions import ChoiceQuestion, NumberQuestion
from nara.triage.domain.registry import GuidelineRegistry
from nara.triage.settings import GUIDELINES

UNIT = "SE2321000115-E00000000011"
STAFF = "SE2321000115-P000000001"
MS = 1000


# --- the cases -------------------------------------------------------------------------------------------------


def make_cases(count: int, seed: int) -> list[dict]:
    """`count` requests spread over every reason, each with a fitting age, a channel and valid answers."""
    guidelines = load_guidelines(GUIDELINES)
    reasons = sorted(guidelines.reasons.values(), key=lambda r: r.code)
    channels = [channel.value for channel in Channel]
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        reason = reasons[n % len(reasons)]
        low, high = (reason.age.min, reason.age.max) if reason.age else (0, 100)
        age = rng.randint(low, min(high, 100))
        sex = reason.sex or rng.choice([Sex.FEMALE, Sex.MALE])
        months = age * 12 + rng.randint(0, 11)
        answers = {}
        for question in reason.compiled.asked_of(PatientFacts(age, months, sex), {}):
            if rng.random() < 0.25:
                continue  # left unanswered
            if isinstance(question, ChoiceQuestion):
                answers[question.id] = rng.choice(question.values)
            elif isinstance(question, NumberQuestion):
                value = rng.uniform(question.min, question.max)
                answers[question.id] = round(value) if question.integer else round(value, 1)
            else:
                answers[question.id] = rng.random() < 0.25  # most answers to a yes/no question are "no"
        cases.append(
            {
                "reason_code": reason.code,
                "answers": answers,
                "age": age,
                "age_months": months,
                "sex": sex.value,
                "channel": rng.choice(channels),
            }
        )
    return cases


def facts(case: dict) -> PatientFacts:
    return PatientFacts(case["age"], case["age_months"], Sex(case["sex"]))


def checked(registry: GuidelineRegistry, cases: list[dict]) -> list[dict]:
    """Only cases that give a decision: a case the engine refuses would time an error path instead."""
    good = []
    for case in cases:
        try:
            registry.evaluate(case["reason_code"], case["answers"], facts(case), case["channel"], datetime.now(UTC))
        except Exception as error:
            print(f"  left out: {case['reason_code']} {case['answers']} ({type(error).__name__}: {error})")
            continue
        good.append(case)
    return good


# --- in-process --------------------------------------------------------------------------------------------------


def in_process(registry: GuidelineRegistry, cases: list[dict], calls: int, to_json: bool) -> tuple[list[float], float]:
    """Each call timed alone (perf_counter), sequentially: a decision is pure CPU, so 100 in flight in one
    process would only queue behind each other."""
    latencies = []
    warm = min(len(cases), 1000)
    for case in cases[:warm]:
        registry.evaluate(case["reason_code"], case["answers"], facts(case), case["channel"], datetime.now(UTC))
    started = time.perf_counter()
    for n in range(calls):
        case = cases[n % len(cases)]
        at = datetime.now(UTC)
        begun = time.perf_counter()
        decision = registry.evaluate(case["reason_code"], case["answers"], facts(case), case["channel"], at)
        if to_json:
            decision.model_dump(mode="json")
        latencies.append(time.perf_counter() - begun)
    return latencies, time.perf_counter() - started


# --- over HTTP ---------------------------------------------------------------------------------------------------


def client_for(base_url: str, token: str) -> httpx.AsyncClient:
    """One client with one keep-alive connection: a client per simulated caller.

    One shared client with 100 connections costs the load generator several ms of CPU per request (httpcore
    looks through its whole pool for every request it places), and the load generator shares the service's
    cores; a client of one connection does not.
    """
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=60,
        headers={"Authorization": f"Bearer {token}"},
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=2.0),
    )


async def over_http(
    clients: list[httpx.AsyncClient], cases: list[dict], requests: int, concurrency: int, service_pids: set[int]
) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    odd: list[str] = []
    next_case = iter(range(requests))

    async def worker(client: httpx.AsyncClient) -> None:
        for n in next_case:
            case = cases[n % len(cases)]
            begun = time.perf_counter()
            try:
                response = await client.post("/api/v1/triage/evaluate", json=case)
            except httpx.TransportError as error:
                statuses[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - begun)
            statuses[response.status_code] += 1
            if response.status_code != 200 and len(odd) < 5:
                odd.append(f"{response.status_code} {response.text[:200]}")

    with CpuWindow(service_pids, "service") as cpu:
        await asyncio.gather(*(worker(client) for client in clients[:concurrency]))
    return {
        "latencies": latencies,
        "wall": cpu.wall,
        "statuses": statuses,
        "odd": odd,
        "cpu": cpu,
        "requests": requests,
        "concurrency": concurrency,
    }


async def same_decisions(client: httpx.AsyncClient, registry: GuidelineRegistry, cases: list[dict]) -> int:
    """Over HTTP and in-process, the same case must give the same decision (a time-of-day rule aside)."""
    differ = 0
    for case in cases:
        response = await client.post("/api/v1/triage/evaluate", json=case)
        local = registry.evaluate(
            case["reason_code"], case["answers"], facts(case), case["channel"], datetime.now(UTC)
        ).model_dump(mode="json")
        if response.status_code != 200 or response.json() != local:
            differ += 1
    return differ


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- the run -----------------------------------------------------------------------------------------------------


async def main(args) -> None:
    registry = GuidelineRegistry(GuidelineFolder(GUIDELINES))
    version = registry.current().version
    cases = checked(registry, make_cases(args.cases, args.seed))
    reasons = len({case["reason_code"] for case in cases})

    decision_only = in_process(registry, cases, args.calls, to_json=False)
    with_json = in_process(registry, cases, args.calls, to_json=True)

    token = issue_dev_token("reception", STAFF, units=[UNIT])
    with real_infrastructure() as infrastructure, tempfile.TemporaryDirectory(prefix="bench-triage-") as logs:
        background = background_load()
        async with scratch_schema(infrastructure.database_urls["triage"], prefix="bench") as url:
            with service_process("triage", infrastructure, url, {}, Path(logs)) as base_url:
                service_pids = child_pids("nara.triage")
                # Keep-alive connections idle for 2 s are dropped before uvicorn's 5 s timeout closes them mid-request.
                async with contextlib.AsyncExitStack() as stack:
                    clients = [
                        await stack.enter_async_context(client_for(base_url, token)) for _ in range(args.concurrency)
                    ]
                    differ = await same_decisions(clients[0], registry, cases[:200])
                    await over_http(clients, cases, min(2000, args.requests), args.concurrency, service_pids)  # warm-up
                    serial = await over_http(clients, cases, args.serial_requests, 1, service_pids)
                    loaded = await over_http(clients, cases, args.requests, args.concurrency, service_pids)
            service_log = (Path(logs) / "triage.log").read_text(errors="replace").splitlines()

    report(
        args,
        infrastructure,
        background,
        version,
        len(cases),
        reasons,
        decision_only,
        with_json,
        serial,
        loaded,
        differ,
        service_log,
    )


def report(
    args,
    infrastructure,
    background,
    version,
    cases,
    reasons,
    decision_only,
    with_json,
    serial,
    loaded,
    differ,
    service_log,
) -> None:
    print()
    print(
        f"Triage decision latency: guidelines {version}, {cases:,} distinct cases over {reasons} contact reasons; "
        f"Kafka and PostgreSQL from {infrastructure.origin}."
    )
    print(
        f"{os.cpu_count()} cores shared by the service, the load generator (httpx, this process) and everything "
        f"else; before the HTTP runs the machine was {background:.0%} busy with other work."
    )
    print()
    header = f"{'':58}{'count':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'per s':>10}"
    print(header)
    print("-" * len(header))
    for label, (latencies, wall) in (
        ("in-process: registry.evaluate", decision_only),
        ("in-process: evaluate + model_dump(mode='json')", with_json),
    ):
        print(
            f"{label:58}{len(latencies):>9,}{percentile(latencies, 0.5) * MS:>9.3f}"
            f"{percentile(latencies, 0.99) * MS:>9.3f}{max(latencies) * MS:>9.3f}{len(latencies) / wall:>10,.0f}"
        )
    for label, run in (
        ("HTTP, 1 request at a time", serial),
        (f"HTTP, {loaded['concurrency']} concurrent requests", loaded),
    ):
        values = run["latencies"]
        print(
            f"{label:58}{len(values):>9,}{percentile(values, 0.5) * MS:>9.2f}{percentile(values, 0.99) * MS:>9.2f}"
            f"{max(values, default=float('nan')) * MS:>9.2f}{len(values) / run['wall']:>10,.0f}"
        )
    print()
    print("'per s' is calls per second of one thread in-process, requests per second over HTTP (throughput).")
    print("In-process figures are per call, one after another: a decision is pure CPU, so 100 in flight in one process")
    print("would only queue behind each other. Over HTTP each request is timed from send to the whole response read.")
    print()
    for run in (serial, loaded):
        statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(run["statuses"].items(), key=str))
        print(f"HTTP answers, {run['concurrency']} in flight: {statuses}")
        for line in run["odd"]:
            print(f"    unexpected answer: {line}")
    print(f"HTTP and in-process decisions differing, of 200 cases compared: {differ}")
    print()
    columns = [("1 at a time", serial), (f"{loaded['concurrency']} in flight", loaded)]
    print("CPU per request in ms, from /proc:")
    print(f"  {'':42}" + "".join(f"{name:>16}" for name, _ in columns))
    for row, label in (
        (UNDER_TEST, "the triage service"),
        (ITS_BACKENDS, "  its PostgreSQL backends"),
        (LOADGEN, LOADGEN),
        (OTHER, OTHER),
        (UNATTRIBUTED, UNATTRIBUTED),
    ):
        print(
            f"  {label:42}" + "".join(f"{run['cpu'].per_unit(row, len(run['latencies'])):>16.3f}" for _, run in columns)
        )
    print(
        f"  {'machine busy, share of all cores':42}"
        + "".join(f"{run['cpu'].busy_share():>16.0%}" for _, run in columns)
    )
    errors = [line for line in service_log if '"level": "ERROR"' in line]
    if errors:
        print(f"\nservice log has {len(errors)} error line(s); the first: {errors[0][:300]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--cases", type=int, default=5000, help="distinct cases, spread over every reason (default 5000)"
    )
    parser.add_argument("--calls", type=int, default=50000, help="in-process calls timed, each way (default 50,000)")
    parser.add_argument("--requests", type=int, default=20000, help="HTTP requests at --concurrency (default 20,000)")
    parser.add_argument(
        "--serial-requests",
        type=int,
        default=2000,
        help="HTTP requests one at a time, for the latency without queueing (default 2000)",
    )
    parser.add_argument("--concurrency", type=int, default=100, help="HTTP requests in flight (default 100)")
    parser.add_argument("--seed", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
