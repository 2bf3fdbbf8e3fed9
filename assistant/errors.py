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
