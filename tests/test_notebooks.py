"""Every notebook in notebooks/ runs top to bottom on a small slice of the data.

The committed notebooks hold the outputs of the full run; CI re-executes them
with DETECTOR_NOTEBOOK_SLICE=ci so that a notebook that no longer runs fails the
build, without paying for the full evaluation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO, needs_shared_data

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@needs_shared_data
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_on_a_slice(path: Path, tmp_path: Path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("DETECTOR_NOTEBOOK_SLICE", "ci")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(REPO / "notebooks")}})
    client.execute()
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
