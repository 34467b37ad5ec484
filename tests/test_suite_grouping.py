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

ROOT = Path(__file__).resolve().parents[1]


def test_tests_sharing_a_module_fixture_run_on_one_worker() -> None:
    """Three tests of tests/test_cli_output_files.py using its module-scoped ``server``, and
    one not, over two workers as scripts/check runs them: the three carry the file's group
    and ran on one worker; the fourth carries none.
    """
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
