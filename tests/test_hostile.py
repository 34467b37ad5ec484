"""Safe against broken and hostile servers: every call ends in time, in bounded memory, with our
errors only, and never shows a secret.

Each case is a behaviour of :class:`~tests.hostile_server.HostileServer` (a raw-socket server on
127.0.0.1, one per module), run on the sync client, the async client on both backends and the
``plex-source`` CLI, each in its own process (forked for it by a :mod:`tests.hostile_driver`
fork server), a few at a time. For each, the test asserts:

- the outcome: the error type (a :class:`PlexSourceError` subclass, never anything else), or the
  CLI's exit code with no traceback in its output;
- the wall time: at most the budget (``timeout * (max_retries + 1)``) plus a margin;
- the peak memory growth: under 64 MiB (the response limit is 1 MiB);
- bodies and messages kept on the error are short;
- the secret sweep: no secret (the API token, the Plex token the call sent, the secrets the
  server stores and echoes), not even a recognisable piece of one, in the error's message,
  repr, body or traceback, in any exception of its ``__cause__``/``__context__`` chain, in a
  log record of any logger at DEBUG (httpx's and httpcore's included), or in the CLI's output.

Then the configuration errors: refused when the client is built (or the call is prepared),
before anything is sent, without showing the token; on the CLI too, and its ``get`` and
``apply`` against the cases of what a server writes outside the body (these CLI runs in this
process: their point is the CLI's own logic, exit codes and output).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import queue
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import attrs
import pytest

from plex_source_client import (
    AsyncPlexSourceClient,
    ConfigurationError,
    InvalidRequest,
    PlexSourceClient,
)

from .fixed_server import main_in_process
from .hostile_driver import _chain
from .hostile_server import (
    API_TOKEN,
    BEHAVIOURS,
    SECRET_FRAGMENTS,
    SECRETS,
    HostileServer,
    compression_bomb,
)

pytestmark = pytest.mark.hostile

ROOT: Final = Path(__file__).resolve().parent.parent
KINDS: Final = ("sync", "async-httpx", "cli")
CLIENT_KINDS: Final = ("sync", "async-httpx")
TIMEOUT: Final = 1.5
#: The timeout of the cases whose server never finishes an answer (hangs, trickles): nothing
#: races the deadline there, so a short one proves as much (the trickles send a byte every
#: 0.2 s, under it: a timeout per read instead of one deadline would never fire).
DEADLINE_TIMEOUT: Final = 0.5
MAX_RETRIES: Final = 0
BUDGET: Final = TIMEOUT * (MAX_RETRIES + 1)  # no backoff wait with max_retries=0
MARGIN: Final = 3.0  # 2 noisy cores, a few cases at once
CLI_STARTUP: Final = 2.0  # the CLI's wall time includes forking its process and setting it up
MIB: Final = 1024 * 1024
MEMORY_BOUND: Final = 64 * MIB  # the response limit is 1 MiB
SHORT: Final = 8 * 1024  # characters: a message, repr or body kept on an error
HARD_SECONDS: Final = BUDGET + MARGIN + CLI_STARTUP + 3.0  # then the harness stops the call
HARD_RSS: Final = 512 * MIB  # growth (client) or whole RSS (CLI) at which the harness stops it
WORKERS: Final = 3
TRACEBACK: Final = "Traceback (most recent call last)"


@attrs.frozen
class Expect:
    """What a case must end in: one of ``outcomes`` (class names; ``ok`` for a PlexSource),
    on the CLI one of ``exit_codes``.
    """

    outcomes: tuple[str, ...]
    exit_codes: tuple[int, ...]
    never: tuple[str, ...] = ()  # class names the outcome must not be (nor derive from)
    names_field: str | None = None  # the message must name this field
    max_response_size: int | None = None
    timeout: float = TIMEOUT  # the client's; the wall time's budget is derived from it

    @property
    def budget(self) -> float:
        """The longest the call may take: its timeout for each attempt (no backoff wait)."""
        return self.timeout * (MAX_RETRIES + 1)


TIMED_OUT = Expect(("RequestTimeout",), (3,), timeout=DEADLINE_TIMEOUT)
TOO_BIG = Expect(("UnexpectedResponse",), (3,))
NOT_A_SOURCE = Expect(("UnexpectedResponse",), (3,))
GARBAGE = Expect(("TransportError",), (3,), never=("RequestTimeout",))

CASES: Final[dict[str, Expect]] = {
    "ok": Expect(("ok",), (0,)),
    # well-behaved answers keep working
    "ok-gzip": Expect(("ok",), (0,)),
    "ok-chunked": Expect(("ok",), (0,)),
    "under-default-limit": Expect(("ok",), (0,)),
    # calls that must end in time
    "trickle-head": TIMED_OUT,
    "trickle-body": TIMED_OUT,
    "hang-before-headers": TIMED_OUT,
    "hang-after-headers": TIMED_OUT,
    # memory that must stay bounded
    "endless-chunked": TOO_BIG,
    "endless-length": TOO_BIG,
    "huge-500mb": TOO_BIG,
    "gzip-bomb": TOO_BIG,
    "deflate-bomb": TOO_BIG,
    "over-custom-limit": Expect(("UnexpectedResponse",), (3,), max_response_size=65536),
    "error-500-50mb": Expect(("ServerError",), (3,)),
    # bodies that must not break parsing
    "deep-json-200": NOT_A_SOURCE,
    "deep-json-400": Expect(("BadRequest",), (1,)),
    # secrets that must stay hidden
    "truncated-secret-200": NOT_A_SOURCE,
    "missing-field-secret-200": NOT_A_SOURCE,
    "html-200-secrets": NOT_A_SOURCE,
    "text-200-secrets": NOT_A_SOURCE,
    "html-502-secrets": Expect(("ServerError",), (3,)),
    "echo-500": Expect(("ServerError",), (3,)),
    # wrong JSON types that must not pass
    "wrong-enabled": Expect(("UnexpectedResponse",), (3,), names_field="enabled"),
    "wrong-pk": Expect(("UnexpectedResponse",), (3,), names_field="pk"),
    "wrong-allowed-servers": Expect(("UnexpectedResponse",), (3,), names_field="allowed_servers"),
    # the wire itself
    "header-8k": Expect(("ok", "TransportError"), (0, 3), never=("RequestTimeout",)),
    # The status came: a PATCH's 2xx with headers over 64 KiB is probably applied, not sent
    # again (round 57b); a read is retried, then TransportError (the CLI's exit 3 for both).
    "header-100k": Expect(("UnexpectedResponse",), (3,), never=("RequestTimeout",)),
    "garbage-status": GARBAGE,
    "early-close": GARBAGE,
    # what the server writes outside the body: the status line and headers
    "reason-token-403": Expect(("PermissionDenied",), (1,)),
    "reason-token-500": Expect(("ServerError",), (3,)),
    "echo-headers-200": NOT_A_SOURCE,  # a 2xx carrying the token, in a header: refused
    "echo-headers-403": Expect(("PermissionDenied",), (1,)),
    "content-type-token-200": NOT_A_SOURCE,
    "content-encoding-token-200": NOT_A_SOURCE,
    # the token echoed in a value, escaped: refused on the decoded value
    "escaped-token-name-200": NOT_A_SOURCE,
    # a Retry-After no clock can reach: treated as absent, never an exception of its own
    "retry-after-absurd-503": Expect(("ServerError",), (3,)),
    "retry-after-absurd-429": Expect(("RateLimited",), (1, 3)),
    "retry-after-absurd-400": Expect(("BadRequest",), (1,)),
}
assert set(CASES) == set(BEHAVIOURS), set(CASES) ^ set(BEHAVIOURS)

Report = dict[str, Any]


# -- running the cases, a few processes at a time ------------------------------------------------


class Driver:
    """One :mod:`tests.hostile_driver` fork server: runs one case at a time, each in a child
    forked for it (a fresh process), without paying Python's start and imports per case.
    """

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self._log = Path(self._tmp.name) / "server.log"
        self._process: subprocess.Popen[str] | None = None

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            with self._log.open("a") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "tests.hostile_driver", "--serve"],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
        return self._process

    def run(self, spec: dict[str, Any]) -> Report:
        """Run ``spec``; its report. An OSError of the harness itself (starting the server, its
        temporary folder: seen once on a machine loaded by other test runs) gets one more
        try; the client's own errors are in the report, never here.
        """
        try:
            return self._run_once(spec)
        except OSError:
            time.sleep(1)
            return self._run_once(spec)

    def _run_once(self, spec: dict[str, Any]) -> Report:
        with tempfile.TemporaryDirectory() as tmp:
            report_path = Path(tmp) / "report.json"
            stderr_path = Path(tmp) / "stderr"
            spec = {**spec, "report": str(report_path), "stderr": str(stderr_path)}
            process = self._started()
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write(json.dumps(spec) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()  # the server kills a child that overruns
            if not answer:
                server_log = self._log.read_text(errors="replace")[-3000:]
                return _harness_failure(spec, f"the fork server died: {server_log}")
            ended = json.loads(answer)
            if ended["killed"]:
                return _harness_failure(spec, "the driver process did not finish (killed)")
            if not report_path.exists():
                stderr = stderr_path.read_text(errors="replace")[-3000:]
                return _harness_failure(
                    spec, f"the driver died (exit {ended['exit']}) without a report: {stderr}"
                )
            report: Report = json.loads(report_path.read_text())
            return report

    def close(self) -> None:
        if self._process is not None:
            if self._process.stdin is not None:
                self._process.stdin.close()  # the server's loop ends
            try:
                self._process.wait(timeout=HARD_SECONDS + 30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
        self._tmp.cleanup()


def _harness_failure(spec: dict[str, Any], why: str) -> Report:
    return {
        "kind": spec["kind"],
        "slug": spec["slug"],
        "outcome": {"name": "HARNESS-KILLED", "mro": []},
        "message": why,
        "repr": "",
        "body": "",
        "traceback": "",
        "chain": "",
        "logs": [],
        "wall": float("inf"),
        "rss_growth": 0,
        "killed": why,
    }


class Runner:
    """Runs every selected (case, kind) in the background as soon as the module starts."""

    def __init__(self, server: HostileServer, pairs: list[tuple[str, str]]) -> None:
        self.server = server
        self._pool = ThreadPoolExecutor(max_workers=WORKERS)
        self._drivers: queue.SimpleQueue[Driver] = queue.SimpleQueue()
        self._all_drivers = [Driver() for _ in range(WORKERS)]
        for driver in self._all_drivers:
            self._drivers.put(driver)
        self._futures: dict[tuple[str, str], Future[Report]] = {}
        # The CLI's normal call first: its peak RSS is the CLI's baseline.
        for pair in [("ok", "cli"), *pairs]:
            self.submit(*pair)

    def submit(self, case: str, kind: str) -> None:
        if (case, kind) in self._futures:
            return
        spec = {
            "kind": kind,
            "url": self.server.url,
            "slug": case,
            "timeout": CASES[case].timeout,
            "max_retries": MAX_RETRIES,
            "max_response_size": CASES[case].max_response_size,
            "hard_seconds": HARD_SECONDS,
            "hard_rss": HARD_RSS,
        }
        self._futures[case, kind] = self._pool.submit(self._run, spec)

    def _run(self, spec: dict[str, Any]) -> Report:
        driver = self._drivers.get()  # one per pool thread: WORKERS cases at a time
        try:
            return driver.run(spec)
        finally:
            self._drivers.put(driver)

    def result(self, case: str, kind: str) -> Report:
        self.submit(case, kind)
        return self._futures[case, kind].result()

    @property
    def cli_baseline(self) -> int:
        report = self.result("ok", "cli")
        rss: int = report["rss_growth"] if report.get("exit_code") == 0 else 60 * MIB
        return rss

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)
        for driver in self._all_drivers:
            driver.close()


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[HostileServer]:
    # The bombs are built (~1.5 s of CPU, once) before any case runs: else the first case of
    # each encoding waits for it, and its wall time, measured against the budget, with it.
    compression_bomb("gzip")
    compression_bomb("deflate")
    with HostileServer() as server:
        yield server


@pytest.fixture(scope="module")
def runner(request: pytest.FixtureRequest, hostile_server: HostileServer) -> Iterator[Runner]:
    here = Path(__file__).resolve()
    pairs = []
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if Path(str(item.path)).resolve() == here and {"case", "kind"} <= set(params):
            pairs.append((params["case"], params["kind"]))
    made = Runner(hostile_server, pairs)
    yield made
    made.close()


# -- the checks ----------------------------------------------------------------------------------


def leaks(texts: dict[str, str]) -> list[str]:
    """Where a secret, or a recognisable piece of one, shows."""
    found = []
    for where, text in texts.items():
        for secret in (*SECRETS, *SECRET_FRAGMENTS):
            if secret in text:
                at = text.index(secret)
                found.append(f"{secret!r} in {where}: ...{text[max(0, at - 60) : at + 40]!r}...")
                break
    return found


def problems_with(report: Report, expect: Expect, cli_baseline: int) -> list[str]:
    """Everything wrong with one run, each as one line."""
    problems: list[str] = []
    kind = report["kind"]
    outcome = report["outcome"]
    if report["killed"]:
        problems.append(f"the harness had to stop it: {report['killed']}")
    for unprintable in report.get("unprintable", []):
        problems.append(f"cannot be shown: {unprintable}")
    if kind == "cli":
        code = report.get("exit_code")
        if code not in expect.exit_codes:
            problems.append(f"exit code {code}, expected {expect.exit_codes}")
        output = report.get("stdout", "") + report.get("stderr", "")
        if "Traceback" in output:
            problems.append(f"a traceback in the CLI's output: {output[-600:]!r}")
        stderr = report.get("stderr", "").replace(report["slug"], "<slug>")
        if expect.names_field and code != 0 and expect.names_field not in stderr:
            problems.append(f"stderr does not name the field {expect.names_field!r}")
        texts = {"stdout": report.get("stdout", ""), "stderr": report.get("stderr", "")}
        budget = expect.budget + MARGIN + CLI_STARTUP
        growth = report["rss_growth"] - cli_baseline
    else:
        mro = outcome["mro"]
        name = outcome["name"]
        if name == "ok":
            if "ok" not in expect.outcomes:
                problems.append(
                    f"returned a PlexSource ({report.get('result')}), expected an error"
                )
        elif not report["killed"]:
            if "PlexSourceError" not in mro:
                problems.append(
                    f"{name} escaped (not a PlexSourceError): {report['message'][:300]}"
                )
            elif not any(wanted in mro for wanted in expect.outcomes):
                problems.append(
                    f"raised {name}, expected {' or '.join(expect.outcomes)}: "
                    f"{report['message'][:300]}"
                )
            elif any(unwanted in mro for unwanted in expect.never):
                problems.append(f"raised {name}: {report['message'][:300]}")
        message = report["message"].replace(report["slug"], "<slug>")  # wrong-pk names pk
        if expect.names_field and name != "ok" and expect.names_field not in message:
            problems.append(f"the message does not name the field {expect.names_field!r}")
        if name not in ("ok", "HARNESS-KILLED"):
            for what in ("message", "repr", "body"):
                length = report.get(f"{what}_length", len(report[what]))
                if length > SHORT:
                    problems.append(f"the error's {what} holds {length} characters")
        if not report["killed"] and name != "ok" and not report["logs"]:
            problems.append("no DEBUG log record was captured: the log sweep saw nothing")
        texts = {
            "str(error)": report["message"],
            "repr(error)": report["repr"],
            "error.body": report["body"],
            "the traceback": report["traceback"],
            "the cause/context chain": report.get("chain", ""),
            "a DEBUG log record": "\n".join(report["logs"]),
        }
        budget = expect.budget + MARGIN
        growth = report["rss_growth"]
    if report["wall"] > budget:
        problems.append(f"took {report['wall']:.1f}s, more than {budget:.1f}s")
    if growth >= MEMORY_BOUND:
        problems.append(f"memory grew by {growth / MIB:.0f} MiB (bound {MEMORY_BOUND // MIB})")
    problems += leaks(texts)
    return problems


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_server(runner: Runner, case: str, kind: str) -> None:
    report = runner.result(case, kind)
    baseline = runner.cli_baseline if kind == "cli" else 0
    problems = problems_with(report, CASES[case], baseline)
    assert not problems, f"{case} on {kind}:\n  " + "\n  ".join(problems)


# -- configuration errors: refused before anything is sent ---------------------------------------

CLOSED: Final = "http://127.0.0.1:9"  # nothing listens: sending anything is a TransportError
SECRET_PARTS: Final = ("tok-SECRET-api", "SECRET-api", "1234567890")


def bad_token(char: str) -> str:
    return f"tok-SECRET-api{char}-1234567890"


BAD_CONFIGS: Final[dict[str, dict[str, Any]]] = {
    "token with a control character": {"token": bad_token("\x01")},
    "token with DEL": {"token": bad_token("\x7f")},
    "token with a NUL": {"token": bad_token("\x00")},
    "token with a non-ASCII character": {"token": bad_token("\u00e9")},
    "token with a space": {"token": bad_token(" ")},
    "token with a BOM": {"token": "\ufeff" + API_TOKEN},
    "timeout inf": {"timeout": math.inf},
    "timeout nan": {"timeout": math.nan},
    "timeout 0": {"timeout": 0},
    "timeout -1": {"timeout": -1},
    "url with an unclosed IPv6 bracket": {"url": "http://[::1"},
    "url with a port over 65535": {"url": "http://127.0.0.1:99999"},
    "url with a non-numeric port": {"url": "http://127.0.0.1:abc"},
    # credentials in a URL that is invalid otherwise: refused, the password never shown
    "url with credentials and a port over 65535": {"url": f"https://user:{API_TOKEN}@host:99999"},
    "url with credentials and an ftp scheme": {"url": f"ftp://user:{API_TOKEN}@host"},
    "url with credentials and a space": {"url": f"https://user:{API_TOKEN}@ho st"},
    "url with credentials, a space in them": {"url": f"https://user:pass {API_TOKEN}@host"},
    "url with credentials and a NUL": {"url": f"https://user:{API_TOKEN}@host\x00"},
    "url with credentials and no scheme's slashes": {"url": f"https:user:{API_TOKEN}@host"},
    "url with credentials and an NFKC host": {"url": f"https://user:{API_TOKEN}@h\u2100ost"},
    "proxy with credentials and a port over 65535": {
        "proxy": f"http://user:{API_TOKEN}@proxy:99999"
    },
    "max_response_size 0": {"max_response_size": 0},
    "max_response_size -1": {"max_response_size": -1},
}


def build_and_call(kind: str, options: dict[str, Any], **call: Any) -> BaseException | None:
    """Build a client of ``kind`` with ``options``; if ``call`` is given, run ``update`` with
    it (its ``slug`` passed first: it is positional-only). Returns what was raised (None if
    nothing was).
    """
    slug = call.pop("slug", None)
    settings = {"url": CLOSED, "token": API_TOKEN, "max_retries": 0, "timeout": 2.0, **options}
    try:
        if kind == "sync":
            with PlexSourceClient(**settings) as client:
                if call:
                    client.update(slug, **call)
            return None

        async def run() -> None:
            async with AsyncPlexSourceClient(**settings) as client:
                if call:
                    await client.update(slug, **call)

        asyncio.run(run())
    except BaseException as error:  # noqa: BLE001 - what escapes is what is tested
        return error
    return None


def shown(error: BaseException) -> dict[str, str]:
    return {
        "str(error)": str(error),
        "repr(error)": repr(error),
        "the traceback": "".join(traceback.format_exception(error)),
        "the cause/context chain": _chain(error),
    }


def token_shows(error: BaseException) -> list[str]:
    return [
        f"{part!r} in {where}"
        for where, text in shown(error).items()
        for part in SECRET_PARTS
        if part in text
    ]


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("config", sorted(BAD_CONFIGS))
def test_bad_configuration_is_refused_when_built(kind: str, config: str) -> None:
    error = build_and_call(kind, BAD_CONFIGS[config])
    problems = [] if error is None else token_shows(error)
    if not isinstance(error, ConfigurationError):
        problems.insert(0, f"not refused: built, or raised {type(error).__name__}")
    assert problems == [], f"{config}: {'; '.join(problems)}"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("timeout", [math.inf, math.nan, 0.0, -1.0])
def test_bad_call_timeout_is_refused_before_sending(kind: str, timeout: float) -> None:
    error = build_and_call(kind, {}, slug="my-plex", name="x", timeout=timeout)
    problems = [] if error is None else token_shows(error)
    if not isinstance(error, ConfigurationError | InvalidRequest):
        problems.insert(0, f"not refused before sending: {error!r}"[:300])
    assert problems == []


@pytest.mark.parametrize("kind", CLIENT_KINDS)
@pytest.mark.parametrize("length", [65_000, 70_000])
@pytest.mark.parametrize("validate", [True, False])
def test_huge_slug_is_refused_before_sending(kind: str, length: int, validate: bool) -> None:
    error = build_and_call(kind, {"validate": validate}, slug="s" * length, name="x")
    assert isinstance(error, InvalidRequest), repr(error)[:300]
    assert token_shows(error) == []


def run_cli(env: dict[str, str], *args: str, slug: str = "my-plex") -> tuple[int, str]:
    """``plex-source update SLUG --name x --max-retries 0 ARGS`` with ``env`` alone (and
    ``PATH``, ``LANG``), in this process: its exit code and its output (stdout, then stderr).
    The CLI against every hostile behaviour runs as a process (``test_hostile_server``).
    """
    return cli_in_process(["update", slug, "--name", "x", "--max-retries", "0", *args], env)


def cli_in_process(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    code, out, err = main_in_process(argv, environ)
    return code, out + err


CLI_BAD_CONFIGS: Final[dict[str, tuple[dict[str, str], tuple[str, ...]]]] = {
    "token with a control character": ({"AUTHENTIK_TOKEN": bad_token("\x01")}, ()),
    "token with DEL": ({"AUTHENTIK_TOKEN": bad_token("\x7f")}, ()),
    "token with a non-ASCII character": ({"AUTHENTIK_TOKEN": bad_token("\u00e9")}, ()),
    "timeout inf": ({}, ("--timeout", "inf")),
    "timeout nan": ({}, ("--timeout", "nan")),
    "url with an unclosed IPv6 bracket": ({"AUTHENTIK_URL": "http://[::1"}, ()),
    "url with a port over 65535": ({"AUTHENTIK_URL": "http://127.0.0.1:99999"}, ()),
    "url with a non-numeric port": ({"AUTHENTIK_URL": "http://127.0.0.1:abc"}, ()),
    # credentials in a URL that is invalid otherwise (a NUL cannot be passed to a process)
    "url with credentials and a port over 65535": (
        {"AUTHENTIK_URL": f"https://user:{API_TOKEN}@host:99999"},
        (),
    ),
    "url with credentials and an ftp scheme": ({"AUTHENTIK_URL": f"ftp://user:{API_TOKEN}@h"}, ()),
    "url with credentials and a space": ({"AUTHENTIK_URL": f"https://user:{API_TOKEN}@h st"}, ()),
    "--url with credentials and a port over 65535": (
        {},
        ("--url", f"https://user:{API_TOKEN}@host:99999"),
    ),
    "--url with credentials, a space in them": ({}, ("--url", f"https://u:a {API_TOKEN}@host")),
    "max-response-size 0": ({}, ("--max-response-size", "0")),
}


@pytest.mark.parametrize("config", sorted(CLI_BAD_CONFIGS))
def test_cli_bad_configuration_exits_2(config: str) -> None:
    env, args = CLI_BAD_CONFIGS[config]
    code, output = run_cli({"AUTHENTIK_URL": CLOSED, "AUTHENTIK_TOKEN": API_TOKEN, **env}, *args)
    assert code == 2, f"exit {code}: {output[-800:]}"
    assert TRACEBACK not in output
    assert [part for part in SECRET_PARTS if part in output] == []


def test_cli_huge_slug_exits_2() -> None:
    env = {"AUTHENTIK_URL": CLOSED, "AUTHENTIK_TOKEN": API_TOKEN}
    code, output = run_cli(env, "--no-validate", slug="s" * 65_000)
    assert code == 2, f"exit {code}: {output[-800:]}"
    assert TRACEBACK not in output


def write_bom_token_file(directory: Path) -> Path:
    path = directory / "token"
    path.write_bytes(b"\xef\xbb\xbf" + API_TOKEN.encode() + b"\n")
    return path


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_token_file_with_a_bom_works_from_env(
    kind: str, hostile_server: HostileServer, tmp_path: Path
) -> None:
    environ = {
        "AUTHENTIK_URL": hostile_server.url,
        "AUTHENTIK_TOKEN_FILE": str(write_bom_token_file(tmp_path)),
    }
    before = len(hostile_server.received)
    if kind == "sync":
        with PlexSourceClient.from_env(environ=environ, max_retries=0, timeout=5.0) as client:
            source = client.update("ok", name="x")
    else:

        async def run() -> Any:
            async with AsyncPlexSourceClient.from_env(
                environ=environ, max_retries=0, timeout=5.0
            ) as client:
                return await client.update("ok", name="x")

        source = asyncio.run(run())
    assert source.slug == "my-plex"
    sent = [r.headers.get("authorization") for r in hostile_server.received[before:]]
    assert f"Bearer {API_TOKEN}" in sent


def test_cli_token_file_with_a_bom_works(hostile_server: HostileServer, tmp_path: Path) -> None:
    env = {
        "AUTHENTIK_URL": hostile_server.url,
        "AUTHENTIK_TOKEN_FILE": str(write_bom_token_file(tmp_path)),
    }
    before = len(hostile_server.received)
    code, output = run_cli(env, "--timeout", "5", slug="ok")
    assert code == 0, f"exit {code}: {output[-800:]}"
    assert TRACEBACK not in output
    assert API_TOKEN not in output
    sent = [r.headers.get("authorization") for r in hostile_server.received[before:]]
    assert f"Bearer {API_TOKEN}" in sent


#: The cases about what the server writes outside the body, and an escaped echo, read by
#: ``get`` and applied from a plan by ``apply``: each item reported, nothing else shown.
CLI_READ_CASES: Final = (
    "reason-token-403",
    "reason-token-500",
    "echo-headers-403",
    "escaped-token-name-200",
    "retry-after-absurd-503",
    "retry-after-absurd-429",
    "retry-after-absurd-400",
)


@pytest.mark.parametrize("command", ["get", "apply"])
@pytest.mark.parametrize("case", CLI_READ_CASES)
def test_cli_get_and_apply_show_no_secret(
    hostile_server: HostileServer, tmp_path: Path, case: str, command: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": case, "changes": {"name": "x"}}]))
    target = case if command == "get" else str(plan)
    code, output = cli_in_process(
        [command, target, "--max-retries", "0", "--timeout", "5"],
        {
            "AUTHENTIK_URL": hostile_server.url,
            "AUTHENTIK_TOKEN": API_TOKEN,
            "AUTHENTIK_SERVER_VERSION": "2024.8",
        },
    )
    expected = CASES[case].exit_codes
    assert code in expected, f"exit {code}: {output[-800:]}"
    assert TRACEBACK not in output
    assert case in output  # the item is reported, not lost to an internal error
    assert leaks({"the output": output}) == []
