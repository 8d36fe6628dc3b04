"""The one error family the assistant raises: every failure a user can cause or fix.

Each error carries a message naming the problem and a ``fix`` naming what to do,
so the CLI and the web app can print one clean line instead of a traceback.

>>> err = QuestionError("The question is empty.", fix="Type a question.")
>>> str(err)
'The question is empty. Type a question.'
"""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error the assistant raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()


class UsageError(AssistantError):
    """The command or its arguments were used wrongly."""

    exit_code = 2


class QuestionError(UsageError):
    """The question cannot be asked: empty, blank or too long."""


class ConfigError(UsageError):
    """A setting, environment variable or metadata file is invalid."""


class SourceError(AssistantError):
    """The sources folder or one of its files cannot be read."""


class UnsupportedTypeError(SourceError):
    """A file of a type the library does not read."""


class TooLargeError(SourceError):
    """A file over the size limit (``ASSISTANT_MAX_FILE_MB``)."""


class NotFoundError(UsageError):
    """An id (a document, a passage) that names nothing in the library or loaded index."""


class DuplicateError(AssistantError):
    """The file is already in the library, or a near-copy of a document there.

    ``existing`` names that document (``id`` and ``title``).
    """

    def __init__(self, message: str, *, fix: str = "",
                 existing: dict[str, str] | None = None) -> None:
        super().__init__(message, fix=fix)
        self.existing = dict(existing or {})


class IndexCorruptError(AssistantError):
    """The built index is damaged, incomplete or of an unknown format."""


class ModelError(AssistantError):
    """The embedding model cannot be loaded."""


class StoreError(AssistantError):
    """The index store (a Milvus server or Milvus Lite file) cannot be reached or used."""


__all__ = [
    "AssistantError",
    "ConfigError",
    "DuplicateError",
    "IndexCorruptError",
    "ModelError",
    "NotFoundError",
    "QuestionError",
    "SourceError",
    "StoreError",
    "TooLargeError",
    "UnsupportedTypeError",
    "UsageError",
]
