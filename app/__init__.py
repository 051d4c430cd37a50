"""Pigeonhole: the mail-room desk for coworking centres that run on Nexudus."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pigeonhole")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"
