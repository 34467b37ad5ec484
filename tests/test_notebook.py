"""examples/quickstart.ipynb runs top to bottom in a real Jupyter kernel, so it cannot rot."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client internals
def test_quickstart_notebook_runs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()

    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    html = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert len(html) == 1, "the returned source should display as a table"
    assert "<table>" in html[0]
    assert "plex_token" in html[0]
    assert "***" in html[0]
    assert "fake-plex-" not in json.dumps(
        [cell.outputs for cell in notebook.cells if "outputs" in cell]
    )
    texts = json.dumps([out.get("data", {}).get("text/plain", "") for out in outputs])
    assert "Plex from a notebook" in texts
    assert "new_slug" in texts
    assert "This field may not be blank." in texts


def test_the_documented_jupyter_execute_line_runs_the_notebook(tmp_path: Path) -> None:
    """The notebook page's ``jupyter execute`` line, run as written from the repository root
    (with this environment's ``.venv/bin``): a real kernel runs every cell and the command
    exits 0; a notebook whose cell fails makes it exit non-zero, as the page says.
    """
    page = (ROOT / "docs" / "examples" / "quickstart.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in page.splitlines() if ln.startswith(".venv/bin/jupyter execute")]
    argv = shlex.split(line)
    assert argv[1:] == ["execute", "examples/quickstart.ipynb"]
    jupyter = str(Path(sys.executable).parent / "jupyter")
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [jupyter, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    done = run(*argv[1:])
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(r"Executing examples/quickstart\.ipynb", done.stderr)

    failing = tmp_path / "failing.ipynb"
    notebook = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    notebook.cells = [nbformat.v4.new_code_cell("1 / 0")]  # type: ignore[no-untyped-call]
    nbformat.write(notebook, failing)  # type: ignore[no-untyped-call]
    assert run("execute", str(failing)).returncode != 0
