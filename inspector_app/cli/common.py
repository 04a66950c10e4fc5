"""What every command needs: the passphrase (environment, file or prompt) and the opened file."""

from __future__ import annotations

import argparse
import codecs
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from inspector_app.core.errors import (
    InspectorError,
    InvalidInput,
)
from inspector_app.core.models import without_hidden
from inspector_app.core.store import Inspection

PASSPHRASE_ENV = "INSPECTOR_APP_PASSPHRASE"
MAX_PASSPHRASE_FILE = 4096  # bytes: far more than any passphrase, far less than a mistake
NEW_PASSPHRASE_ENV = "INSPECTOR_APP_NEW_PASSPHRASE"
T = TypeVar("T")


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    if args.passphrase_file:
        try:
            with open(args.passphrase_file, "rb") as handle:  # never more than a passphrase
                raw = handle.read(MAX_PASSPHRASE_FILE + 1)
            if len(raw) > MAX_PASSPHRASE_FILE:
                raise InvalidInput(
                    f"The passphrase file {args.passphrase_file} is too large to hold a "
                    "passphrase; give the file that holds only the passphrase."
                )
            return raw.decode("utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"The passphrase file {args.passphrase_file} cannot be read."
            ) from exc
    if os.environ.get(PASSPHRASE_ENV):
        return valid_text(os.environ[PASSPHRASE_ENV], PASSPHRASE_ENV)
    return prompt("Passphrase: ", confirm, PASSPHRASE_ENV)


def valid_text(value: str, where: str) -> str:
    # Checked, not encoded: an encoding error would quote the secret in its message.
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidInput(
            f"{where} holds bytes that are not valid text; check the terminal's encoding."
        )
    return value


def prompt(label: str, confirm: bool, env: str) -> str:
    if not sys.stdin.isatty():
        if env == NEW_PASSPHRASE_ENV:
            raise InvalidInput(f"No new passphrase given; set {env}, or run this in a terminal.")
        raise InvalidInput(f"No passphrase given; set {env} or use --passphrase-file.")
    try:
        first = getpass.getpass(label)
        if confirm and getpass.getpass("Again: ") != first:
            raise InvalidInput("The two passphrases differ; nothing was changed.")
    except EOFError:  # Ctrl+D at the prompt
        raise InvalidInput("No passphrase was typed; nothing was changed.") from None
    return first


def open_inspection(args: argparse.Namespace) -> Inspection:
    inspection = Inspection.open(args.file, read_passphrase(args))
    if inspection.damaged:
        print(
            f"inspector-app: warning: {len(inspection.damaged)} damaged record(s) were "
            "skipped; run 'verify' to name them.",
            file=sys.stderr,
        )
    return inspection


def shown(value: object) -> str:
    """A path (or any text from outside) as printed: without the control codes that would
    drive the terminal (see ``without_hidden``)."""
    return without_hidden(str(value))


def showing_the_key(make: Callable[[Callable[[Inspection, str], None]], T]) -> T:
    """``make(ready)``, a new file (``Inspection.create``), whose recovery key ``ready`` prints
    before the file takes its name: a file that can be found is one whose key was shown. A
    key that could not be printed makes no file; one printed for a file that then could not
    take its name is said to open nothing."""
    printed = []

    def ready(_inspection: Inspection, key: str) -> None:
        try:
            print(f"Recovery key (shown only now; keep it apart from the laptop): {key}",
                  flush=True)
        except OSError as exc:  # output closed (a pipe whose reader went away)
            raise InvalidInput(
                "The recovery key could not be shown, so no file was made; run the command "
                "again where its output can be read."
            ) from exc
        printed.append(key)

    try:
        return make(ready)
    except InspectorError as exc:
        if not printed:
            raise
        raise type(exc)(
            f"{str(exc).rstrip('.')}; the recovery key printed above opens nothing."
        ) from exc


def print_json(value: Any) -> None:
    """``value`` as JSON on stdout: as written where the terminal or pipe takes UTF-8, and
    with \\u escapes where it does not, so a script never reads "?" for a letter."""
    encoding = codecs.lookup(sys.stdout.encoding or "ascii").name
    json.dump(value, sys.stdout, ensure_ascii=encoding != "utf-8", indent=2)
    print()
