"""Exceptions the library raises on purpose.

Everything a caller can cause (bad bytes, a missing file, a tampered model) is a
``DetectorError`` with a message meant for a person; the CLI prints the message
and exits 2, the batch runner writes it next to the record's id.
"""


class DetectorError(Exception):
    """Base class: a failure with a message worth showing to a user as is."""


class InputError(DetectorError):
    """The input cannot be checked: undecodable bytes, binary data, too large, unreadable."""


class ArtifactError(DetectorError):
    """A trained artifact is missing, does not match its manifest, or cannot be loaded."""


class ConfigError(DetectorError):
    """An unknown check, profile or option."""
