"""Every error the core raises: one root, and a sentence a person can act on.

The command line maps these to exit codes in one place (``cli.main``), the app to dialogs in one
place. Library errors are wrapped with ``raise ... from exc`` so the cause is kept for
debugging but never shown as a traceback.
"""


class InspectorError(Exception):
    """Root of every error the core raises on purpose."""

    exit_code = 2


class InvalidInput(InspectorError):
    """The user asked for something the framework or the data does not allow."""


class NotFound(InvalidInput):
    """A note, child or attachment that does not exist."""


class InConflict(InvalidInput):
    """A note edited by two inspectors from the same version: someone must choose."""


class NameHeld(InvalidInput):
    """A register entry already keeps another real name; replacing it must be asked for."""


class BundleRejected(InspectorError):
    """A card or bundle failed a check: nothing from it was applied."""

    exit_code = 4


class NamesInReport(InspectorError):
    """A child's real name would reach the draft; ``hits`` says where (by pseudonym), and
    ``unchecked`` how many register entries could not be read to look for."""

    exit_code = 5

    def __init__(self, hits: list, unchecked: int = 0) -> None:
        self.hits, self.unchecked = hits, unchecked
        found = []
        if unchecked:
            found.append(f"{unchecked_sentence(unchecked)} (run 'inspector-app verify')")
        if hits:
            places = "; ".join(hit.describe() for hit in hits)
            found.append(f"it would name a child in {len(hits)} place(s) ({places})")
        super().__init__(
            f"The draft was not written: {'; and '.join(found)}. Change those texts, or "
            "export with --allow-names if you are sure."
        )


def unchecked_sentence(count: int) -> str:
    """What damaged or missing register entries mean for the names check."""
    entries = "1 child-register entry is" if count == 1 else f"{count} child-register entries are"
    return f"{entries} damaged or missing, so the draft cannot be checked for those names"


class FrameworkError(InspectorError):
    """A framework definition file is missing or malformed."""


class WrongPassphrase(InspectorError):
    exit_code = 3

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "The passphrase or recovery key is wrong; check it and try again "
            "(passphrases are case-sensitive)."
        )


class NotAnInspectionFile(InspectorError):
    """The path exists but is not an inspection file at all."""


class NewerVersion(InspectorError):
    """The file was written by a newer release of the app."""


class IntegrityError(InspectorError):
    """A sealed record, the header or the audit chain does not check out."""

    exit_code = 4


class StorageError(InspectorError):
    """The disk refused: read-only, full, locked by another program for too long."""


class ImageError(InvalidInput):
    """A photo that cannot be used: not an image, truncated, or too large."""
