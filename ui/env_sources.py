"""Connections found outside the app: a ``.env`` file in the project folder and Streamlit secrets.

They are offered, never applied silently, and shown masked. Saving goes the other way: only on the person's
own machine (``ui.locality``), otherwise as a download.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from core.environments import Connection, EnvFileError, connection_from_env, load_env_file
from ui.navigation import ROOT

ENV_FILE_ENV_VAR = "PLAYGROUND_ENV_FILE"


def env_file() -> Path:
    """The .env the app reads and (on request, locally) writes: the project folder's, unless overridden."""
    configured = os.environ.get(ENV_FILE_ENV_VAR)
    return Path(configured) if configured else ROOT / ".env"


@dataclass(frozen=True)
class Offer:
    """A connection found somewhere, with where (".env" or "Streamlit secrets") and any problem reading it."""

    source: str
    connection: Connection | None
    problem: str | None = None


def _from_env_file() -> Offer | None:
    path = env_file()
    try:
        found = load_env_file(path)
    except EnvFileError as error:
        return Offer(f"{path.name}", None, str(error))
    return Offer(path.name, found) if found else None


def _from_secrets() -> Offer | None:
    try:
        values = {k: str(v) for k, v in st.secrets.items() if isinstance(v, str | int | bool)}
    except (FileNotFoundError, OSError, ValueError, KeyError):  # no secrets.toml, or an unreadable one
        return None
    except Exception:  # Streamlit raises its own error type when secrets.toml is missing or broken
        return None
    try:
        found = connection_from_env(values)
    except EnvFileError as error:
        return Offer("Streamlit secrets", None, str(error))
    return Offer("Streamlit secrets", found) if found else None


def offers() -> list[Offer]:
    """What the .env file and Streamlit secrets hold, in that order."""
    return [o for o in (_from_env_file(), _from_secrets()) if o is not None]


def is_loopback_base(api_base: str | None) -> bool:
    """A saved sandbox address (http://127.0.0.1:<port>): its port changes every time the app starts."""
    host = urlsplit(api_base).hostname if api_base else None
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
