"""examples/quickstart.ipynb runs top to bottom in a real Jupyter kernel, so it cannot rot."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"


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
