"""Specific exceptions. Each message names the thing, the reason and what to do next.

The library raises these; only the CLI and the web app turn them into user messages.
"""

from __future__ import annotations

import os
from typing import Self

from assistant.prompts import ERRORS_AR, LOAD_REASONS


class AssistantError(Exception):
    """Base class for every error this package raises on purpose.

    ``message_ar``: the same message in Arabic, for the web page ("" where there is none: the page then
    leads the English with a general Arabic line). ``said("code", english, **values)`` fills it from
    ``prompts.ERRORS_AR``."""

    message_ar: str = ""

    def __init__(self, *args: object, message_ar: str = "") -> None:
        super().__init__(*args)
        if message_ar:
            self.message_ar = message_ar

    @classmethod
    def said(cls, code: str, english: str, **values: object) -> Self:
        """The error with its Arabic from the catalogue: ``values`` fill the code's Arabic template; the
        English is given whole, as the CLI and the logs have always printed it."""
        return cls(english, message_ar=ERRORS_AR[code].format(**values))

    def __reduce__(self) -> tuple:  # pickles keep the Arabic
        return _rebuilt, (type(self), self.args, self.message_ar)


def _rebuilt(cls: type[AssistantError], args: tuple, message_ar: str) -> AssistantError:
    return cls(*args, message_ar=message_ar)


class ConfigError(AssistantError):
    """A setting has a value we cannot use."""


class LoadError(AssistantError):
    """One input file could not be read into a document.

    ``arabic``: the reason and the hint in Arabic, for the web page ("" where there is none: a message
    made at run time). ``LoadError.known(path, code, **values)`` fills all four from
    ``prompts.LOAD_REASONS``."""

    def __init__(self, path: str, reason: str, hint: str = "", arabic: tuple[str, str] = ("", "")) -> None:
        self.path = path
        self.reason = reason
        self.hint = hint
        self.arabic: tuple[str, str] = (arabic[0], arabic[1])
        super().__init__(f"{path}: {self.said_in('en')}")
        self.message_ar = f"{os.path.basename(path)}: {self.said_in('ar')}" if arabic[0] else ""

    @classmethod
    def known(cls, path: str, code: str, **values: object) -> LoadError:
        reason, hint, reason_ar, hint_ar = (text.format(**values) for text in LOAD_REASONS[code])
        return cls(path, reason, hint, (reason_ar, hint_ar))

    def __reduce__(self) -> tuple[type, tuple]:  # pickles keep both languages
        return type(self), self.parts()

    def parts(self) -> tuple[str, str, str, tuple[str, str]]:
        """What it is made of (what a reader process sends back to the one that asked)."""
        return self.path, self.reason, self.hint, self.arabic

    def said_in(self, language: str) -> str:
        """The reason, and the hint in brackets, in ``language`` (English where there is no Arabic)."""
        reason, hint = self.arabic if language == "ar" and self.arabic[0] else (self.reason, self.hint)
        return f"{reason} ({hint})" if hint else reason


def failure(path: str, exc: AssistantError, shown: str | None = None) -> dict[str, str]:
    """A file that failed, as an ingest report lists it: ``error`` in English (what the CLI prints) and,
    where the reason has Arabic, ``error_ar`` (what the web page shows beside it). ``shown``: the name to
    give the file in both (an upload's own name rather than where it was saved)."""
    if not isinstance(exc, LoadError):
        return {"path": path, "error": str(exc)}
    who = shown or exc.path
    out = {"path": path, "error": f"{who}: {exc.said_in('en')}"}
    if exc.arabic[0]:
        out["error_ar"] = f"{who}: {exc.said_in('ar')}"
    return out


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
        code = {errno.ENOSPC: "full", errno.EROFS: "read-only", errno.EIO: "io", errno.EDQUOT: "quota"}.get(
            exc.errno or 0
        )
        if code is None:
            return None
        why = {
            "full": "the disk is full",
            "read-only": "the disk is read-only",
            "io": "the disk reported an I/O error",
            "quota": "the disk quota is exceeded",
        }[code] + name
    elif isinstance(exc, sqlite3.OperationalError) and (
        "disk is full" in text or "disk I/O error" in text or "readonly" in text
    ):
        code, why = "records", f"the records database could not be written: {text}"
    else:
        return None
    return StorageError.said(
        "disk: then",
        f"{why}{place}. Nothing half-written is kept: the index still holds what its last completed "
        "command committed. Free space (or fix the disk) and run the command again; `assistant check` verifies",
        why=ERRORS_AR[f"disk: {code}"],
    )
