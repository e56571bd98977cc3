"""Is the app running on the person's own machine? Only then may it write a ``.env`` to disk.

On a shared deployment (several people on one server) the server's disk is not the person's disk: writing
their keys there would leave secrets behind for the next person, so the app offers a download instead.

The rule, strictest first:

* ``PLAYGROUND_SHARED=1`` (set it on any deployment): shared, never write.
* ``PLAYGROUND_SHARED=0``: the operator states it is local (e.g. a LAN machine they own).
* otherwise: local only when the browser reached the app on a loopback host (``localhost``, ``127.0.0.1``,
  ``::1``), i.e. browser and server are the same machine. Anything unknown counts as shared.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import streamlit as st

SHARED_ENV_VAR = "PLAYGROUND_SHARED"
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _browser_host() -> str | None:
    """The host name the browser used, from the page URL, else from the ``Host`` header."""
    url: str | None = st.context.url
    host: str | None = urlsplit(url).hostname if url else None
    if host is None and st.context.headers:
        header = st.context.headers.get("Host")
        host = urlsplit(f"//{header}").hostname if header else None
    return host.lower() if host else None


def is_local() -> bool:
    """True when saving to this server's disk means saving to the person's own machine."""
    override = os.environ.get(SHARED_ENV_VAR, "").strip()
    if override == "1":
        return False
    if override == "0":
        return True
    return _browser_host() in _LOOPBACK_HOSTS
