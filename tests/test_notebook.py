"""The case notebook: its two stored forms agree, and it runs top to bottom with pictures.

``notebooks/tm_ffg.py`` (jupytext percent format, the form to edit and review) and
``notebooks/tm_ffg.ipynb`` (the same cells, stored without outputs) are a jupytext pair; see
docs/notebook.md. The notebook is executed in a fresh python3 kernel of this interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SCRIPT = NOTEBOOKS / "tm_ffg.py"
NOTEBOOK = NOTEBOOKS / "tm_ffg.ipynb"
MIN_PICTURES = 3


def cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_script_and_notebook_are_in_sync():
    script = jupytext.read(SCRIPT)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert cells(script) == cells(notebook), (
        "notebooks/tm_ffg.py and tm_ffg.ipynb differ: run "
        "`.venv/bin/jupytext --sync notebooks/tm_ffg.py` (docs/notebook.md)"
    )
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source[:60]
            assert cell.execution_count is None, cell.source[:60]


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_with_pictures():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    probe = nbformat.v4.new_code_cell("import sys; print(sys.prefix)")
    notebook.cells.append(probe)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) >= MIN_PICTURES
    assert probe.outputs[0]["text"].strip() == sys.prefix, "the kernel is another Python"
