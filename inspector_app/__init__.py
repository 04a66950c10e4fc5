"""Encrypted, offline evidence capture for joint local area SEND inspections."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inspector-app")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
