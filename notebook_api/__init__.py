"""The playground in Jupyter: start the sandbox, connect, run actions by name, and see what happened.

A front end like the Streamlit app, over the same ``core`` (which knows nothing of notebooks, IPython or the
sandbox)::

    import notebook_api as nb

    sb = nb.start_sandbox()                    # a local Stripe-compatible server, no network
    pg = sb.connect()                          # a fresh sandbox account, its test keys, the Editor
    pg.check()                                 # WeWeb's connection test: List Products
    price = pg.run("create_price", product="prod_…", unit_amount=1000, currency="usd")
    nb.preview_amounts(1000, ["usd", "jpy", "kwd"])

Everything a cell returns renders twice: as HTML in Jupyter (``_repr_html_``: tables with a money column next
to every amount, warnings and guidance in colour) and as plain text in a terminal (``str``/``repr``). Keys
travel as :class:`core.secrets.Secret`, so no cell output, repr or error message ever contains a full key.

State lives in the objects a cell creates (a :class:`Sandbox`, a :class:`Playground`), never in module
globals, so two notebooks (or two playgrounds in one notebook) never share a key or a client.

Modules: ``views`` (rendering), ``checks`` (lessons without a connection), ``playground`` (a connection in
one environment), ``local_sandbox`` (the sandbox and its control API, through ``sandbox.control``).
"""

from notebook_api.checks import (
    check_environment,
    inspect_key,
    preview_amount,
    preview_amounts,
    verify_webhook,
)
from notebook_api.local_sandbox import (
    SANDBOX_URL_VARIABLE,
    Sandbox,
    SandboxAccount,
    SandboxError,
    start_sandbox,
)
from notebook_api.playground import Playground, connect
from notebook_api.views import Result, View, brief, show, view

__all__ = [
    "SANDBOX_URL_VARIABLE",
    "Playground",
    "Result",
    "Sandbox",
    "SandboxAccount",
    "SandboxError",
    "View",
    "brief",
    "check_environment",
    "connect",
    "inspect_key",
    "preview_amount",
    "preview_amounts",
    "show",
    "start_sandbox",
    "verify_webhook",
    "view",
]
