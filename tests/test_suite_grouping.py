"""The suite's own parallel run keeps a file's tests that share a module-scoped fixture on one
worker (tests/conftest.py groups them for ``--dist loadgroup``), so the fixture (a server, a
built site, the hostile runner with every case) is set up once, not once per worker.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shared() -> str:
    """A module-scoped fixture of this suite: the tests using it form this file's group."""
    return "shared"


def test_tests_sharing_a_module_fixture_run_on_one_worker(
    request: pytest.FixtureRequest, shared: str
) -> None:
    """Run by xdist with ``--dist loadgroup`` (as scripts/check runs the suite), this test, which
    uses a module-scoped fixture, carries its file's group: the suffix the controller groups
    by. Run otherwise, it runs three tests of tests/test_cli_output_files.py using its
    module-scoped ``server``, and one not, over two workers: the three carry the file's
    group and ran on one worker; the fourth carries none.
    """
    if getattr(request.config.option, "loadgroup", False):  # an xdist worker, loadgroup
        assert request.node.nodeid.endswith("@tests/test_suite_grouping.py"), request.node.nodeid
        return
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_cli_output_files.py",
            "-k",
            "refused_without_force or replaces_the_file_whole or the_help_says",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    passed = re.findall(r"^\[(gw\d)\] .*?PASSED (\S+)", done.stdout, re.MULTILINE)
    ran = {test: worker for worker, test in passed}
    group = "@tests/test_cli_output_files.py"
    grouped = {test: worker for test, worker in ran.items() if test.endswith(group)}
    assert sorted(test.split("::")[1] for test in grouped) == [
        f"test_an_existing_file_is_refused_without_force[secrets0]{group}",
        f"test_an_existing_file_is_refused_without_force[secrets1]{group}",
        f"test_force_replaces_the_file_whole{group}",
    ], done.stdout[-3000:]
    assert len(set(grouped.values())) == 1, grouped
    assert "tests/test_cli_output_files.py::test_the_help_says_what_force_does_with_a_link" in ran
