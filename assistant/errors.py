"""Specific exceptions. Each message names the thing, the reason and what to do next.

The library raises these; only the CLI and the web app turn them into user messages.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigError(AssistantError):
    """A setting has a value we cannot use."""


class LoadError(AssistantError):
    """One input file could not be read into a document."""

    def __init__(self, path: str, reason: str, hint: str = "") -> None:
        self.path = path
        self.reason = reason
        self.hint = hint
        msg = f"{path}: {reason}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class IndexMismatchError(AssistantError):
    """The index on disk was built with other settings than the ones in force."""


class IndexLockedError(AssistantError):
    """Another process is writing to the index."""


class IndexCorruptError(AssistantError):
    """The index on disk is not readable or not consistent."""


class ModelError(AssistantError):
    """A model could not be provisioned or loaded."""


class DocumentNotFound(AssistantError):
    """No document has that id."""


class DatasetError(AssistantError):
    """An evaluation dataset is malformed."""


class InputError(AssistantError):
    """A request's parameter is out of range or empty (a question, k, a mode)."""


class ResourceError(AssistantError):
    """A file the package ships (a tuned model, a bundled dataset) is missing or damaged."""


class StorageError(AssistantError):
    """The disk refused a read or write (full, read-only, failing): what was committed before is intact."""


def storage_error(exc: BaseException, where: object = "") -> StorageError | None:
    """An OSError or SQLite error from the disk as one line with what to do; None for anything else."""
    import errno
    import sqlite3

    text = str(exc)
    place = f" ({where})" if where else ""
    if isinstance(exc, OSError):
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        if exc.errno == errno.ENOSPC:
            why = f"the disk is full{name}"
        elif exc.errno == errno.EROFS:
            why = f"the disk is read-only{name}"
        elif exc.errno == errno.EIO:
            why = f"the disk reported an I/O error{name}"
        elif exc.errno == errno.EDQUOT:
            why = f"the disk quota is exceeded{name}"
        else:
            return None
    elif isinstance(exc, sqlite3.OperationalError) and (
        "disk is full" in text or "disk I/O error" in text or "readonly" in text
    ):
        why = f"the records database could not be written: {text}"
    else:
        return None
    return StorageError(
        f"{why}{place}. Nothing half-written is kept: the index still holds what its last completed "
        "command committed. Free space (or fix the disk) and run the command again; `assistant check` verifies"
    )
