"""The command line's messages say what to do: a mistyped option gets the command's one-line
usage and "did you mean"; an invalid choice is one line listing the choices; a YAML plan's
error names the line and column like TOML's and JSON's; each command's --help lists only its
options and exit codes; a 404 that blames the URL says so once, with the URL; the wrong scheme
says which to use.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from plex_source_client.cli import main
from plex_source_client.cli.main import build_parser
from plex_source_client.testing import FakeAuthentik

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own exits
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def help_of(command: str) -> str:
    parser = build_parser()
    if command == "":
        return parser.format_help()
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict) and command in choices:
            return str(choices[command].format_help())
    raise AssertionError(command)


# -- usage errors ---------------------------------------------------------------------------


def test_a_mistyped_option_gets_the_commands_usage_and_a_suggestion(capsys: Capture) -> None:
    code, out, err = run(capsys, "update", "plex", "--enabeld")
    assert (code, out) == (2, "")
    assert err == (
        "usage: plex-source update [options] SLUG (see plex-source update --help)\n"
        "plex-source update: error: unrecognized argument: --enabeld (did you mean --enabled?)\n"
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["get", "plex", "--show-secret"],
            "plex-source get: error: unrecognized argument: --show-secret (did you mean "
            "--show-secrets?)",
        ),
        (
            ["export", "--include-secret=1"],
            "plex-source export: error: unrecognized argument: --include-secret=1 (did you "
            "mean --include-secrets?)",
        ),
        (["get", "a", "b"], "plex-source get: error: unrecognized argument: b"),
        (
            ["apply", "p.json", "--xyzzy", "--fail-fst"],
            "plex-source apply: error: unrecognized arguments: --xyzzy --fail-fst (did you "
            "mean --fail-fast?)",
        ),
    ],
)
def test_unrecognized_arguments_are_the_commands(
    capsys: Capture, argv: list[str], expected: str
) -> None:
    code, _, err = run(capsys, *argv)
    lines = err.splitlines()
    assert code == 2
    assert lines[0].startswith(f"usage: plex-source {argv[0]} [options] ")
    assert lines[1:] == [expected]


def test_a_hidden_option_is_never_suggested(capsys: Capture) -> None:
    # --token is refused (a secret in argv): suggesting it would be a trap. It is the
    # closest match; the suggestion is the nearest option that is not hidden.
    code, _, err = run(capsys, "get", "plex", "--tokn")
    assert code == 2
    assert err.endswith("unrecognized argument: --tokn (did you mean --token-file?)\n")


def test_an_invalid_choice_is_one_line_listing_the_choices(capsys: Capture) -> None:
    code, out, err = run(capsys, "update", "plex", "--policy-engine-mode", "sum")
    assert (code, out) == (2, "")
    assert err == (
        "plex-source update: error: argument --policy-engine-mode: invalid choice 'sum' "
        "(choose from all, any)\n"
    )


def test_a_mistyped_command_is_one_line_with_a_suggestion(capsys: Capture) -> None:
    code, _, err = run(capsys, "updat", "plex")
    assert code == 2
    assert err == (
        "plex-source: error: argument COMMAND: invalid choice 'updat' (choose from update, "
        "apply, plan, get, export, demo, fake); did you mean update?\n"
    )


def test_other_usage_errors_get_the_one_line_usage(capsys: Capture) -> None:
    code, _, err = run(capsys, "update")
    assert code == 2
    assert err == (
        "usage: plex-source update [options] SLUG (see plex-source update --help)\n"
        "plex-source update: error: the following arguments are required: SLUG\n"
    )


# -- plan files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '- slug: plex\n  changes:\n    name: "a\n  bad: [\n',
            "not valid yaml: found unexpected end of stream (at line 5, column 1), while "
            "scanning a quoted scalar that begins at line 3, column 11",
        ),
        (
            "- slug: plex\n  changes: {name: a\n",
            "not valid yaml: did not find expected ',' or '}' (at line 3, column 1), while "
            "parsing a flow mapping that begins at line 2, column 12",
        ),
        ("a: b\x07c\n", "not valid yaml: control characters are not allowed (at line 1, column 5)"),
    ],
)
def test_a_yaml_error_names_line_and_column_on_one_line(
    capsys: Capture, tmp_path: Path, text: str, expected: str
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text)
    code, _, err = run(capsys, "apply", str(plan))
    assert code == 2
    assert err.splitlines()[0] == f"plex-source: invalid: {plan}: {expected}"
    assert "\\n" not in err
    assert "<unicode string>" not in err


def test_toml_and_json_errors_say_it_the_same_way(capsys: Capture, tmp_path: Path) -> None:
    toml = tmp_path / "plan.toml"
    toml.write_text('[[items]]\nslug = "plex"\nchanges = {name = }\n')
    _, _, err = run(capsys, "apply", str(toml))
    assert err.splitlines()[0].endswith("not valid toml: Invalid value (at line 3, column 19)")


# -- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["get", "export"])
def test_read_commands_list_only_their_options(command: str) -> None:
    text = help_of(command)
    assert "--no-validate" not in text
    assert "--server-version" in text
    assert "a field the release lacks is refused" not in text
    assert "--dry-run" not in text
    assert "\n  4  " not in text  # they never exit 4
    assert "every update" not in text
    assert "  0  every source asked for was read\n" in text


@pytest.mark.parametrize("command", ["update", "apply", "plan"])
def test_commands_taking_changes_keep_their_options(command: str) -> None:
    text = help_of(command)
    assert "--no-validate" in text
    assert "a field the release lacks is refused" in " ".join(text.split())


def test_each_command_has_its_own_exit_code_4() -> None:
    assert "  4  something would change\n" in help_of("plan")
    assert "plan:" not in help_of("plan").split("exit codes:", 1)[1]
    update = help_of("update").split("exit codes:", 1)[1]
    assert "  4  a field was not applied (the server's authentik release lacks it)" in update
    assert "plan" not in update


def test_the_top_level_exit_code_4_is_plain_words() -> None:
    text = help_of("")
    assert (
        "  4  something differs: plan found changes, --check found drift, or the server "
        "ignored a field\n"
    ) in text
    assert "the server did not take every field as given" not in text


# -- the URL --------------------------------------------------------------------------------


@pytest.fixture
def page_404(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A web server answering every request with an HTML 404 page; its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body>404 page not found</body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(  # polled often: shutdown() waits at most one poll
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    monkeypatch.setenv("AUTHENTIK_TOKEN", "tok-abcdef123456")
    monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
    monkeypatch.delenv("AUTHENTIK_SERVER_VERSION", raising=False)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/proxy"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def write_plan(tmp_path: Path, *slugs: str) -> str:
    path = tmp_path / "plan.json"
    items = [{"slug": slug, "changes": {"name": slug}} for slug in slugs]
    path.write_text(json.dumps(items))
    return str(path)


WRONG = "the URL is probably wrong: requests went to {url}/api/v3/... (give authentik's root URL"


def test_get_shows_the_url_when_the_404_is_not_authentiks(capsys: Capture, page_404: str) -> None:
    code, _, err = run(capsys, "get", "plex", "--url", page_404)
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("plex-source: plex: not found: GET ")
    assert "not found, and not by authentik (<html><body>404 page not found</body></html>)" in line
    assert WRONG.format(url=page_404) in line


def test_apply_says_it_once_when_every_item_blames_the_url(
    capsys: Capture, page_404: str, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path, *(f"s{n}" for n in range(50)))
    code, out, err = run(capsys, "apply", plan, "--url", page_404)
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("plex-source: all 50 items not found: GET ")
    assert WRONG.format(url=page_404) in line
    rows = out.splitlines()[1:-1]
    assert len(rows) == 50
    assert all(row.endswith("not found: the URL is probably wrong (see above)") for row in rows)


def test_a_wrong_prefix_on_a_real_authentik_path_is_told_by_the_list(
    capsys: Capture, authentik_env: FakeAuthentik, tmp_path: Path
) -> None:
    """authentik answers its own JSON 404 for a path it has no route for: the slug's 404 looks
    like an unknown slug's, but the list, which every authentik has, is not found either.
    """
    url = authentik_env.url + "/api/v2"
    code, _, err = run(capsys, "get", "plex", "--url", url)
    assert code == 1
    assert "the list of Plex sources is not found, and every authentik has one" in err
    assert WRONG.format(url=url) in err
    plan = write_plan(tmp_path, "plex", "other")
    for command in ("apply", "plan"):
        code, _, err = run(capsys, command, plan, "--url", url)
        assert code == 1
        [line] = err.splitlines()
        assert line.startswith("plex-source: all 2 items not found: GET ")
        assert WRONG.format(url=url) in line
    code, _, err = run(capsys, "export", "--url", url)
    assert code == 1
    assert WRONG.format(url=url) in err


def test_an_unknown_slug_on_the_right_url_is_still_an_unknown_slug(
    capsys: Capture, authentik_env: FakeAuthentik, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "get", "nope")
    assert (code, err) == (1, "plex-source: nope: not found: no Plex source has this slug\n")
    code, _, err = run(capsys, "apply", write_plan(tmp_path, "nope", "gone"))
    assert code == 1
    assert err.splitlines() == [
        "plex-source: nope: not found: no Plex source has this slug",
        "plex-source: gone: not found: no Plex source has this slug",
    ]


def test_https_to_the_plain_http_fake_says_use_http(
    capsys: Capture, authentik_env: FakeAuthentik
) -> None:
    plain = authentik_env.url
    assert plain.startswith("http://")
    url = "https://" + plain.removeprefix("http://")
    code, _, err = run(capsys, "get", "plex", "--url", url)
    assert code == 3
    assert "failed after 1 attempt: the server speaks plain HTTP, not TLS: use " + plain in err
    assert not authentik_env.requests  # the TLS handshake never became a request
