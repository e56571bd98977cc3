"""notebooks/tour.ipynb runs headless, top to bottom, in a real IPython kernel against the sandbox.

The kernel is the current interpreter (a ``python3`` kernelspec written to a temporary Jupyter path, so a
stale system-wide kernelspec pointing at another Python cannot be picked up). Any cell error fails the test.
Then the outputs are read like a learner would: each lesson shows what it promises, as HTML and as text, and
no output contains any key of the session in full.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import ipykernel.kernelspec
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from notebook_api import SANDBOX_URL_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "notebooks" / "tour.ipynb"
EXECUTION_BUDGET_S = 60

# Any unmasked credential: a masked one has "*" right after its public prefix.
UNMASKED_KEY = re.compile(
    r"(?:sk|rk|pk)_(?:test|live)_[0-9A-Za-z]{6,}|whsec_[0-9A-Za-z+/=]{6,}"
    r"|(?:pi|seti|cs_test|cs_live)_[0-9A-Za-z]+_secret_[0-9A-Za-z]+"  # client secrets
)

# Runs in the kernel after the tour: every key the tour's variables hold, revealed. Its output stays in this
# test's memory (never printed, never written) and is used only to search the tour's outputs.
SECRETS_PROBE = """
import json as _json
from notebook_api import Playground as _Playground, SandboxAccount as _Account
from core.secrets import Secret as _Secret
_keys = set()
for _value in list(globals().values()):
    if isinstance(_value, _Playground):
        _keys.add(_value.secret_key.reveal())
    elif isinstance(_value, _Account):
        _keys.add(_value.secret_key)
    elif isinstance(_value, _Secret):
        _keys.add(_value.reveal())
    elif isinstance(_value, str) and _value.startswith(("sk_", "rk_", "pk_", "whsec_")):
        _keys.add(_value)
print(_json.dumps(sorted(_keys)))
"""

# What each lesson must show (cell id → text in its output), so a tour that "runs" but teaches nothing fails.
EXPECTED = {
    "keys-fake": ["a publishable key (test mode)", "a secret key (test mode)"],
    "keys-quotes": ["quotes", "removed"],
    "keys-secret-in-pk": ["a secret key (test mode) in the Publishable Key field", "security problem"],
    "env-live-editor": ["Editor: 1 problem to fix", "Editor uses live keys (pk_live_…, sk_live_…)"],
    "env-test-production": ["Production uses test keys (pk_test_…, sk_test_…)"],
    "sandbox-start": ["Playground", "Editor, test mode, sandbox", "the sandbox at http://127.0.0.1:"],
    "live-write-blocked": ["not sent", "live key"],
    "first-call-check": ["still means the connection works"],
    "money-previews": ["$10.00", "¥1,000", "1.000"],
    "money-decimal": ["written as money"],
    "money-kwd": ["must end in 0"],
    "money-create-price": ["$25.00"],
    "money-float": ["not sent", "2500"],
    "rak-write-403": ["403", "rak_product_write"],
    "rak-remembered-run": ["not sent", "rak_product_write"],
    "rak-fixed": ["HTTP 200", "Hat"],
    "pi-success": ["succeeded", "$20.00"],
    "pi-decline": ["402", "card_declined"],
    "pi-3ds-create": ["requires_action"],
    "pi-3ds-authenticate": ["is now succeeded"],
    "pi-3ds-after": ["succeeded", "$45.00"],
    "pi-cancel-succeeded": ["not sent", "Refund"],
    "pi-cancel-open": ["canceled", "abandoned"],
    "pi-refund": ["$20.00"],
    "checkout-create": ["open", "$50.00"],
    "checkout-declined": ["Your card was declined."],
    "checkout-paid": ["Paid", "https://example.com/thanks?session_id=cs_test_"],
    "checkout-after": ["complete", "paid"],
    "webhook-sign": ["Valid signature: checkout.session.completed evt_tour_1"],
    "webhook-reserialized": ["No signatures found matching the expected signature for payload"],
    "webhook-wrong-secret": ["No signatures found matching the expected signature for payload"],
    "webhook-old": ["Timestamp outside the tolerance zone"],
}


def output_text(cell: Any) -> str:
    parts: list[str] = []
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        for value in output.get("data", {}).values():
            parts.append(value if isinstance(value, str) else json.dumps(value))
        parts += [str(output.get("ename", "")), str(output.get("evalue", ""))]
        parts += [str(line) for line in output.get("traceback", [])]
    return "\n".join(parts)


@pytest.fixture
def python3_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``python3`` kernelspec for this interpreter, found before any other on the Jupyter path."""
    prefix = tmp_path / "jupyter-prefix"
    ipykernel.kernelspec.install(kernel_name="python3", prefix=str(prefix))
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).is_relative_to(prefix)
    assert spec.argv[0] == sys.executable
    return "python3"


def execute_tour(kernel: str) -> tuple[nbformat.NotebookNode, list[str]]:
    """Run the tour plus the secrets probe; return the executed tour (probe removed) and the probe's keys."""
    notebook = nbformat.read(TOUR, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(SECRETS_PROBE))
    client = NotebookClient(
        notebook,
        timeout=EXECUTION_BUDGET_S,
        kernel_name=kernel,
        resources={"metadata": {"path": str(TOUR.parent)}},  # run where Jupyter would: next to the file
    )
    started = time.monotonic()
    client.execute()  # raises CellExecutionError on the first cell that fails
    elapsed = time.monotonic() - started
    assert elapsed < EXECUTION_BUDGET_S, (
        f"the tour took {elapsed:.0f} s, over the {EXECUTION_BUDGET_S} s budget"
    )
    probe = notebook.cells.pop()
    keys = json.loads(probe.outputs[0]["text"])
    return notebook, keys


def test_committed_tour_has_no_outputs() -> None:
    notebook = nbformat.read(TOUR, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert code_cells
    for cell in code_cells:
        assert cell.outputs == [], f"cell {cell.id} has committed output: clear outputs before committing"
        assert cell.execution_count is None, f"cell {cell.id} has an execution count"
    ids = [c.id for c in notebook.cells]
    assert len(ids) == len(set(ids))
    assert set(EXPECTED) <= set(ids)


def test_tour_runs_against_the_sandbox_and_never_shows_a_key(
    sandbox: Any, python3_kernel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SANDBOX_URL_VARIABLE, sandbox.api_base)
    executed, keys = execute_tour(python3_kernel)

    sandbox_keys = [k for k in keys if k.startswith(("sk_test_", "rk_test_"))]
    assert len(sandbox_keys) >= 3, "the probe should find the editor's key and the restricted keys"
    cells = {c.id: c for c in executed.cells if c.cell_type == "code"}
    for cell_id, cell in cells.items():
        text = output_text(cell)
        leaked = [k for k in keys if k in text]
        assert not leaked, f"cell {cell_id} shows {len(leaked)} key(s) of this session in full"
        unmasked = UNMASKED_KEY.findall(text)
        assert not unmasked, f"cell {cell_id} shows {len(unmasked)} unmasked key-shaped value(s)"
        assert not any(o.get("output_type") == "error" for o in cell.outputs), cell_id

    for cell_id, needles in EXPECTED.items():
        text = output_text(cells[cell_id])
        for needle in needles:
            assert needle in text, f"cell {cell_id}: {needle!r} not in its output"
    plain_results = {
        "first-call-list": "List Products",
        "rak-write-403": "Create Product",
        "pi-cancel-succeeded": "Cancel Payment Intent",
    }
    for cell_id, action in plain_results.items():  # a RunResult as text: its headline, not a dataclass dump
        plain = cells[cell_id].outputs[0]["data"]["text/plain"]
        assert plain.startswith(action + ": "), f"cell {cell_id}: {plain[:80]!r}"
    shown = [o for o in cells["keys-fake"].outputs if o.get("output_type") == "display_data"]
    assert len(shown) == 2, "nb.show should display each key report in Jupyter"
    assert all("text/html" in o["data"] for o in shown)
    for cell_id in ("first-call-check", "money-previews", "rak-write-403", "checkout-paid", "webhook-sign"):
        html = [o for o in cells[cell_id].outputs if "text/html" in o.get("data", {})]
        assert html, f"cell {cell_id} has no rich (HTML) output"


def test_tour_starts_its_own_sandbox_when_none_is_given(
    python3_kernel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How a learner runs it: no sandbox address, so the notebook starts one in its kernel (no network)."""
    monkeypatch.delenv(SANDBOX_URL_VARIABLE, raising=False)
    executed, keys = execute_tour(python3_kernel)
    cells = {c.id: c for c in executed.cells if c.cell_type == "code"}
    assert "Editor, test mode, sandbox http://127.0.0.1:" in output_text(cells["sandbox-start"])
    assert "Valid signature" in output_text(cells["webhook-sign"])
    text = "\n".join(output_text(c) for c in cells.values())
    assert not [k for k in keys if k in text], "a key of this session appears in full in the outputs"
