"""Shared test set-up. Tests never touch the user's real folders, keyring or network."""

from __future__ import annotations

import os

# Before anything imports Qt or keyring.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
_CONNECTION_VARS = ("PIGEONHOLE_API_URL", "PIGEONHOLE_USERNAME", "PIGEONHOLE_PASSWORD", "PIGEONHOLE_TOTP")
for _var in (*_CONNECTION_VARS, "PIGEONHOLE_DB"):
    os.environ.pop(_var, None)

pytest_plugins = [
    "tests.fixtures.home",
    "tests.fixtures.databases",
    "tests.fixtures.sandbox",
]
