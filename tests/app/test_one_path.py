"""One path to Stripe: no front-end module talks to Stripe or the sandbox's control API by itself.

The app (``app.py``, ``pages/``, ``ui/``) and the notebook front end (``notebook_api/``) reach Stripe only
through ``core.session.StripeSession``, whose records the request log shows, and the sandbox's control API
only through ``sandbox.control.ControlClient``. A module importing the SDK, or writing a ``/_sandbox/`` path,
would be a second path whose calls the log never sees (the issue that introduced the session found three).
Tests and benchmarks may, on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRONT_END = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "notebook_api").glob("*.py")),
]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            found.add(node.module)
    return found


def _code_strings(path: Path) -> list[str]:
    """Every string literal of the module's code (f-string parts included), docstrings left out."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_front_end_is_where_we_think() -> None:
    assert len(FRONT_END) > 30
    assert ROOT / "ui" / "request_log.py" in FRONT_END
    assert ROOT / "notebook_api" / "playground.py" in FRONT_END


def test_no_front_end_module_imports_the_stripe_sdk() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imports(path) if m == "stripe" or m.startswith("stripe.")
        )
        for path in FRONT_END
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_no_front_end_module_calls_the_sandbox_control_api_by_hand() -> None:
    offenders = {
        str(path.relative_to(ROOT)): [text for text in _code_strings(path) if "/_sandbox" in text]
        for path in FRONT_END
    }
    assert {path: texts for path, texts in offenders.items() if texts} == {}


def test_the_checks_would_see_a_second_path() -> None:
    """The two checks above look at the right things: a copy of the old ad-hoc call is caught."""
    sample = ROOT / "test-artifacts" / "one_path_sample.py"
    sample.parent.mkdir(exist_ok=True)
    sample.write_text(
        '"""Docstrings may name /_sandbox/ paths."""\n'
        "import stripe\n"
        "def authenticate(intent):\n"
        '    return f"/_sandbox/payment_intents/{intent}/authenticate"\n'
    )
    try:
        assert "stripe" in _imports(sample)
        assert _code_strings(sample) == ["/_sandbox/payment_intents/", "/authenticate"]
    finally:
        sample.unlink()
