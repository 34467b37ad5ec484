"""tests/fixed_server.py's in-process ``plex-source`` (``main_in_process``, ``run_main``), which
many CLI tests use instead of a process: it answers as the process does (exit code, stdout,
stderr) and leaves nothing of its run behind.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from plex_source_client import __version__

from .fixed_server import API_TOKEN, FixedServer, main_in_process, run_cli, run_main, source


def test_it_restores_what_it_changes(tmp_path: Path) -> None:
    before = (dict(os.environ), os.getcwd(), sys.stdin, sys.stdout, sys.stderr)
    handlers = list(logging.getLogger().handlers)
    environ = {"AUTHENTIK_URL": "http://127.0.0.1:9", "AUTHENTIK_TOKEN": "tok-abcdefghijkl"}
    code, out, err = main_in_process(["get", "plex"], environ, cwd=tmp_path)
    assert (code, out) == (3, ""), err  # nothing listens on port 9
    assert err.startswith("plex-source: "), err
    assert (dict(os.environ), os.getcwd(), sys.stdin, sys.stdout, sys.stderr) == before
    assert logging.getLogger().handlers == handlers


def test_argparse_exits_are_exit_codes() -> None:
    code, out, err = main_in_process(["--version"], {})
    assert (code, err) == (0, "")
    assert out.startswith(f"plex-source-client {__version__} "), out
    code, out, err = main_in_process(["get", "plex", "--no-such-option"], {})
    assert (code, out) == (2, "")
    assert "error: unrecognized argument: --no-such-option" in err


def test_it_answers_as_the_process_does(tmp_path: Path) -> None:
    """``get`` of a source whose name holds a lone surrogate, a control and a non-ASCII
    character, as text and as JSON, and a refused one: the same exit code, stdout and stderr
    from :func:`run_main` as from :func:`run_cli`.
    """
    odd = source(slug="odd", name="odd \ud800 \x1b[2J é")
    with FixedServer([odd], refusals={"no": "refused"}) as server:
        for argv in (["get", "odd"], ["get", "odd", "--output", "json"], ["get", "no"]):
            code, out, err, _ = run_cli(argv, url=server.url, cwd=tmp_path)
            assert API_TOKEN not in out + err
            assert run_main(argv, url=server.url, cwd=tmp_path) == (code, out, err, 0), argv
