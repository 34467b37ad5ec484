"""``plex-source`` against broken input and its own bugs: no traceback, bounded memory, short
lines, secrets never shown.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from plex_source_client._text import MESSAGE_LIMIT, VALUE_LIMIT, shorten, shorten_secret_free
from plex_source_client.cli import main
from plex_source_client.cli.exits import EXIT_CODES_HELP, SOURCE_URL, UsageError
from plex_source_client.cli.main import build_parser
from plex_source_client.cli.report import report
from plex_source_client.cli.runner import ItemResult
from plex_source_client.cli.settings import client_settings
from plex_source_client.testing import FakeAuthentik

Capture = pytest.CaptureFixture[str]
SCRIPT = str(Path(sys.executable).parent / "plex-source")
ROOT = Path(__file__).resolve().parent.parent
BUG_LINE = (
    r"^plex-source: internal error \((?P<detail>.*)\); this is a bug, please report it at "
    r"https://github\.com/plex-source-client/plex-source-client\n$"
)
PLEX_TOKEN = "plex-token-read-from-a-file-0123456789"
MEGABYTE = 2**20


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def billion_laughs() -> str:
    """A YAML plan of about 600 bytes whose aliases expand to 9**10 strings (gigabytes)."""
    parts = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefghi", "bcdefghij", strict=False):
        parts.append(f"&{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "- slug: plex\n  changes:\n    allowed_servers: [" + ", ".join(parts) + "]\n"


# -- 1. internal errors: exit 5, one line, no traceback, no secret ---------------------------------


def boom(api_token: str) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RecursionError(f"deep {api_token} and {PLEX_TOKEN}\n{'x' * MEGABYTE}")

    return fail


@pytest.mark.parametrize(
    ("target", "extra"),
    [
        ("plex_source_client._changes.build_body", []),  # validating the arguments
        ("plex_source_client.cli.apply.client_settings", []),  # configuring the client
        ("plex_source_client.cli.runner.find_drift", ["--check"]),  # inside the async run
        ("plex_source_client.cli.tables.text_table", []),  # writing the report
    ],
)
def test_an_internal_error_is_one_line_and_exit_5(
    authentik_env: FakeAuthentik,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    target: str,
    extra: list[str],
) -> None:
    plex_token_file = tmp_path / "plex-token"
    plex_token_file.write_text(PLEX_TOKEN)
    monkeypatch.setattr(target, boom(authentik_env.token))
    code, _, err = run(
        capsys, "update", "plex", "--plex-token-file", str(plex_token_file), "--name", "N", *extra
    )
    assert code == 5
    match = re.match(BUG_LINE, err)
    assert match, err
    assert match["detail"].startswith("RecursionError: deep *** and ***\\nxxx")
    assert len(err) < MESSAGE_LIMIT + 200
    assert authentik_env.token not in err
    assert PLEX_TOKEN not in err


def test_an_internal_error_in_the_async_apply_run_masks_file_tokens(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with FakeAuthentik() as fake:
        token_file = tmp_path / "token"
        token_file.write_text(fake.token)
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
        monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps([{"slug": "plex", "changes": {"plex_token": PLEX_TOKEN}}]))

        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise TypeError(f"bad {fake.token} {PLEX_TOKEN}")

        monkeypatch.setattr("plex_source_client.AsyncPlexSourceClient.update_raw", fail)
        code, _, err = run(capsys, "apply", str(plan), "--token-file", str(token_file))
    assert code == 5
    assert err.startswith("plex-source: internal error (TypeError: bad *** ***);")
    assert err.count("\n") == 1


def test_an_internal_error_in_many_concurrent_items_is_still_one_line(
    authentik_env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for n in range(40):
        authentik_env.add_source(slug=f"s{n}")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": f"s{n}", "changes": {"name": "N"}} for n in range(40)]))
    monkeypatch.setattr("plex_source_client.cli.runner.find_drift", boom(authentik_env.token))
    code, out, err = run(capsys, "apply", str(plan), "--check", "--concurrency", "8")
    assert code == 5
    assert out == ""
    assert re.match(BUG_LINE, err), err
    # The other items were cancelled and awaited before the client closed: nothing is left
    # holding a connection (the collector would find an unclosed socket).
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_argparse_errors_are_shortened(capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["update", "plex", "--policy-engine-mode", "x" * MEGABYTE])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err
    assert len(err) < 2000


def test_internal_error_in_the_demo(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("plex_source_client.cli.demo.run_demo", boom("unused-token"))
    code, _, err = run(capsys, "demo")
    assert code == 5
    assert "internal error (RecursionError: deep" in err

    def bare(out: Any) -> int:
        raise AssertionError

    monkeypatch.setattr("plex_source_client.cli.demo.run_demo", bare)
    assert run(capsys, "demo")[2].startswith("plex-source: internal error (AssertionError);")

    class BrokenStderr(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("stderr is gone")

    monkeypatch.setattr("sys.stderr", BrokenStderr())
    assert main(["demo"]) == 5


def test_interrupt_and_our_own_errors_keep_their_codes(
    authentik_env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plex_source_client._errors import PlexSourceError

    def interrupt(*args: Any) -> Any:
        raise KeyboardInterrupt

    def ours(*args: Any) -> Any:
        raise PlexSourceError("x" * MEGABYTE)

    monkeypatch.setattr("plex_source_client.cli.apply._run", interrupt)
    assert run(capsys, "update", "plex", "--enabled")[:3:2] == (130, "plex-source: interrupted\n")
    monkeypatch.setattr("plex_source_client.cli.apply._run", ours)
    code, _, err = run(capsys, "update", "plex", "--enabled")
    assert code == 3
    assert "internal error" not in err
    assert len(err) <= MESSAGE_LIMIT + len("plex-source: \n")


def test_the_bug_report_url_is_the_source_url() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["urls"]["Source"] == SOURCE_URL
    assert "  5  internal error" in EXIT_CODES_HELP


def console_script(
    tmp_path: Path, *argv: str, env: dict[str, str] | None = None, sitecustomize: str = ""
) -> tuple[int, str, str, int]:
    """Run ``plex-source`` (optionally with ``sitecustomize`` code run first) under a 2 GiB
    address-space limit and a 60 s deadline; returns exit code, stdout, stderr and peak RSS
    in bytes.
    """
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(sitecustomize)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AUTHENTIK_")}
    environment |= (env or {}) | {"PYTHONPATH": str(hooks)}
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [SCRIPT, *argv],
            stdout=stdout,
            stderr=stderr,
            env=environment,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31)),
        )
    deadline = threading.Timer(60, process.kill)
    deadline.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        deadline.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, out.read_text(), err.read_text(), usage.ru_maxrss * 1024


def test_the_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    with FakeAuthentik() as fake:
        token_file = tmp_path / "token"
        token_file.write_text(fake.token + "\n")
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps([{"slug": "plex", "changes": {"plex_token": PLEX_TOKEN}}]))
        hook = (
            "import plex_source_client.cli.runner as bulk\n"
            "def fail(changes, returned, secrets=()):\n"
            "    raise RecursionError(str(changes) + ' ' + open(%r).read())\n"
            "bulk.find_drift = fail\n"
        ).replace("%r", repr(str(token_file)))
        env = {"AUTHENTIK_URL": fake.url, "AUTHENTIK_TOKEN_FILE": str(token_file)}
        code, out, err, _ = console_script(
            tmp_path, "apply", str(plan), "--check", env=env, sitecustomize=hook
        )
        assert fake.requests  # the failure came after a real request, inside the async run
    assert code == 5, err
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert err.startswith("plex-source: internal error (RecursionError: {'plex_token': '***'} ***")
    assert fake.token not in out + err
    assert PLEX_TOKEN not in out + err


# -- 2. plan files with bounded memory -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("laughs.yaml", billion_laughs(), "YAML anchors and aliases"),
        ("deep.yaml", "[" * 100_000, "nested too deeply"),
        ("deep.json", "[" * 100_000, "nested too deeply"),
        ("deep.toml", "a = " + "[" * 100_000, "nested too deeply"),
    ],
)
@pytest.mark.parametrize("options", [[], ["--no-validate", "--dry-run"]])
def test_hostile_plans_end_quickly_in_little_memory(
    tmp_path: Path, name: str, content: str, message: str, options: list[str]
) -> None:
    plan = tmp_path / name
    plan.write_text(content)
    assert len(billion_laughs()) < 700
    started = time.monotonic()
    env = {"AUTHENTIK_URL": "http://127.0.0.1:9", "AUTHENTIK_TOKEN": "t" * 20}
    code, _, err, peak = console_script(tmp_path, "apply", str(plan), *options, env=env)
    assert time.monotonic() - started < 30
    assert (code, "Traceback" in err) == (2, False), err
    assert message in err
    assert peak < 200 * MEGABYTE


@pytest.mark.parametrize("option", ["plan", "--token-file", "--plex-token-file"])
def test_huge_files_are_refused_unread(tmp_path: Path, option: str) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(2**30)  # 1 GiB, sparse: reading it whole would take 1 GiB of memory
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": "plex", "changes": {"enabled": True}}]))
    argv = {
        "plan": ["apply", str(huge)],
        "--token-file": ["apply", str(plan), "--token-file", str(huge)],
        "--plex-token-file": ["update", "plex", "--plex-token-file", str(huge)],
    }[option]
    env = {"AUTHENTIK_URL": "http://127.0.0.1:9", "AUTHENTIK_TOKEN": "t" * 20}
    code, _, err, peak = console_script(tmp_path, *argv, env=env)
    assert code == 2, err
    assert "larger than" in err
    assert peak < 200 * MEGABYTE


def test_yaml_anchors_are_refused_even_unused(capsys: Capture, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yml"
    plan.write_text("- slug: plex\n  changes: &c\n    enabled: false\n")
    code, _, err = run(capsys, "apply", str(plan), "--dry-run")
    assert code == 2
    assert f"plex-source: invalid: {plan}: line 2: YAML anchors and aliases" in err


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.json", "[" * 100_000),  # beyond the recursion limit: the parser gives up
        ("plan.json", "[" * 500 + "]" * 500),  # parsed, then refused by the depth check
        ("plan.toml", "a = " + "[" * 500 + "]" * 500),
        ("plan.toml", "".join(f"[{'x.' * 40}y]\n")),  # 41 nested tables, no brackets
        ("plan.yaml", "- " * 40 + "x"),
    ],
)
def test_deep_plans_are_plan_errors(
    capsys: Capture, tmp_path: Path, name: str, content: str
) -> None:
    plan = tmp_path / name
    plan.write_text(content)
    code, _, err = run(capsys, "apply", str(plan), "--dry-run")
    assert code == 2
    assert "nested too deeply (at most 32 levels" in err
    assert len(err) < 500


def test_a_plan_of_32_levels_is_read(capsys: Capture, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps({"items": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})
    )
    code, _, err = run(capsys, "apply", str(plan), "--dry-run")
    assert code == 2
    assert "nested too deeply" not in err
    assert "item 1: expected a mapping" in err


def test_a_plan_over_16_mib_is_refused_unread(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.json"
    with plan.open("wb") as file:
        file.truncate(2**30)  # sparse: 1 GiB that takes no disk
    code, _, err = run(capsys, "apply", str(plan), "--dry-run")
    assert code == 2
    assert err.startswith(f"plex-source: invalid: {plan}: larger than 16 MiB: refused\n")


def test_plan_encodings(capsys: Capture, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_bytes(
        b"\xef\xbb\xbf" + json.dumps([{"slug": "plex", "changes": {"enabled": True}}]).encode()
    )
    assert run(capsys, "apply", str(plan), "--dry-run")[0] == 0
    plan.write_bytes(b'[{"slug": "pl\xe9x"}]')
    code, _, err = run(capsys, "apply", str(plan), "--dry-run")
    assert code == 2
    assert "not UTF-8 text (byte 13)" in err


# -- 3. long values are shortened ------------------------------------------------------------------


def test_a_megabyte_plan_value_makes_no_megabyte_line(capsys: Capture, tmp_path: Path) -> None:
    huge = "s" * MEGABYTE
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {"slug": huge, "changes": {huge: 1, "name": huge, "allowed_servers": huge}},
                {"slug": "a\nplex-source: forged line", "changes": {"enabled": "x\x1b[2J"}},
                {huge: 1},
            ]
        )
    )
    code, _, err = run(capsys, "apply", str(plan), "--dry-run")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 9  # the slug is also too long for a URL; item 3 lacks both keys
    assert any("no longer slug fits in a URL" in line for line in lines)
    assert max(len(line) for line in lines) < 2 * MESSAGE_LIMIT
    assert f"... ({MEGABYTE} characters)" in lines[0]
    assert "(a\\nplex-source: forged line): enabled:" in err
    assert "\x1b" not in err


def test_long_server_values_are_shortened(capsys: Capture) -> None:
    huge = "v" * MEGABYTE
    results = [
        ItemResult(index=0, slug=huge, outcome="rejected", errors={huge: [huge]}),
        ItemResult(index=1, slug="b", outcome="applied", drift={huge: huge}),
        ItemResult(index=2, slug="c", outcome="failed", message=huge, request_id=huge),
    ]
    args = build_parser().parse_args(["apply", "plan.json"])
    out, err = io.StringIO(), io.StringIO()
    report(results, args, out, err)
    for text in (out.getvalue(), err.getvalue()):
        assert max(len(line) for line in text.splitlines()) < 2 * MESSAGE_LIMIT
    assert len(err.getvalue().splitlines()) == 3


def test_shorten() -> None:
    assert shorten("plex") == "plex"
    assert shorten(None) == "None"
    long = shorten("x" * 1000)
    assert len(long) == VALUE_LIMIT
    assert long.endswith("... (1000 characters)")
    assert shorten(long) == long
    assert shorten("a\r\nb\x00\x9b\u2028") == "a\\r\\nb\\x00\\x9b\\u2028"

    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError

    assert shorten(Hostile()) == "<Hostile>"


def test_shorten_secret_free_never_shows_part_of_a_secret() -> None:
    secret = "0123456789abcdef" * 4
    for position in range(MESSAGE_LIMIT - 80, MESSAGE_LIMIT + 80):
        text = "-" * position + secret + "+" * 1000
        shown = shorten_secret_free(text, [secret])
        assert len(shown) <= MESSAGE_LIMIT
        assert "0123" not in shown, position
    many = (secret + "-") * 1000  # masking shrinks the text a lot: still no part shown
    assert "0123" not in shorten_secret_free(many, [secret])


# -- 4. secret files -------------------------------------------------------------------------------


def test_token_files_with_a_bom_and_whitespace(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with FakeAuthentik() as fake:
        token = tmp_path / "token"
        token.write_bytes(b"\xef\xbb\xbf  " + fake.token.encode() + b"\r\n")
        plex = tmp_path / "plex"
        plex.write_bytes(b"\xef\xbb\xbf" + PLEX_TOKEN.encode() + b"\n")
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
        code, _, err = run(
            capsys, "update", "plex", "--token-file", str(token), "--plex-token-file", str(plex)
        )
        assert (code, err) == (0, "")
        assert fake.sources["plex"]["plex_token"] == PLEX_TOKEN
        monkeypatch.setattr("sys.stdin", io.StringIO("\ufeff" + PLEX_TOKEN + "-2\n"))
        assert (
            run(capsys, "update", "plex", "--plex-token-file", "-", "--token-file", str(token))[0]
            == 0
        )
        assert fake.sources["plex"]["plex_token"] == PLEX_TOKEN + "-2"


@pytest.mark.parametrize("option", ["--token-file", "--plex-token-file", "AUTHENTIK_TOKEN_FILE"])
def test_bad_token_files_are_usage_errors_without_content(
    authentik_env: FakeAuthentik,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    option: str,
) -> None:
    def attempt(content: bytes | None) -> str:
        path = tmp_path / "secret"
        if content is None:
            with path.open("wb") as file:
                file.truncate(2**30)  # 1 GiB, sparse
        else:
            path.write_bytes(content)
        if option == "AUTHENTIK_TOKEN_FILE":
            monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)  # both set: refused unread
            monkeypatch.setenv(option, str(path))
            argv = ["update", "plex", "--enabled"]
        else:
            argv = ["update", "plex", "--enabled", option, str(path)]
        code, out, err = run(capsys, *argv)
        assert code == 2
        assert "s3cr3t" not in out + err
        assert authentik_env.requests == []
        return err

    assert "is not UTF-8 text" in attempt(b"s3cr3t-\xff\xfe-s3cr3t")
    assert "is larger than 64 KiB: refused" in attempt(b"s3cr3t" * 20_000)
    assert "is larger than 64 KiB: refused" in attempt(None)
    assert "is empty" in attempt(b"\xef\xbb\xbf \n")
    if option != "--plex-token-file":
        assert "printable ASCII" in attempt("s3cr3t-é".encode())
        assert "printable ASCII" in attempt(b"s3cr3t\ns3cr3t")


def test_standard_input_is_bounded_too(
    authentik_env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stdin(io.StringIO):
        buffer = io.BytesIO(b"x" * MEGABYTE)

    monkeypatch.setattr("sys.stdin", Stdin())
    code, _, err = run(capsys, "update", "plex", "--plex-token-file", "-")
    assert code == 2
    assert err == "plex-source: --plex-token-file: - is larger than 64 KiB: refused\n"
    assert Stdin.buffer.tell() == 64 * 1024 + 1


# -- 5. connection options -------------------------------------------------------------------------


def test_max_response_size_is_passed_only_when_given(tmp_path: Path) -> None:
    environ = {"AUTHENTIK_URL": "https://auth.example.com", "AUTHENTIK_TOKEN": "token-1234"}

    def settings(*options: str) -> dict[str, Any]:
        args = build_parser().parse_args(["update", "plex", *options])
        return client_settings(args, environ)

    assert "max_response_size" not in settings()
    assert settings("--max-response-size", "2048")["max_response_size"] == 2048
    assert settings("--timeout", "2.5")["timeout"] == 2.5
    for bad in (["--max-response-size", "0"], ["--timeout", "0"], ["--timeout", "inf"],
                ["--timeout", "nan"], ["--max-retries", "-1"]):  # fmt: skip
        with pytest.raises(UsageError):
            settings(*bad)


def test_connection_option_help(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["apply", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "largest response body accepted, after decompression (default: 1 MiB)" in text
    assert "time budget of each attempt, in seconds, connecting included (default: 30)" in text
    assert "5 internal error" in text


def test_an_items_message_is_shortened() -> None:
    from plex_source_client._errors import PlexSourceError
    from plex_source_client.cli.planfile import PlanItem
    from plex_source_client.cli.runner import result_for_error

    result = result_for_error(PlanItem(0, "plex", {}), PlexSourceError("m\n" * MEGABYTE))
    assert result.message is not None
    assert len(result.message) == MESSAGE_LIMIT
    assert result.message.startswith("m\\nm\\n")


def test_no_standard_input_is_a_usage_error(
    authentik_env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", None)
    code, _, err = run(capsys, "update", "plex", "--plex-token-file", "-")
    assert code == 2
    assert err == "plex-source: --plex-token-file: there is no standard input to read\n"
