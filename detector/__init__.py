"""Checks news copy before publication: filler, contradictions and unsupported figures.

>>> from detector import Detector
>>> det = Detector.load()                      # doctest: +SKIP
>>> report = det.check(open("article.md").read())  # doctest: +SKIP
>>> for flag in report.iter_flags(): ...       # doctest: +SKIP
"""

from .errors import ArtifactError, ConfigError, DetectorError, InputError
from .pipeline import Detector
from .report import Flag, Report
from .segment import Document, Sentence

__version__ = "0.1.0"

__all__ = [
    "ArtifactError",
    "ConfigError",
    "Detector",
    "DetectorError",
    "Document",
    "Flag",
    "InputError",
    "Report",
    "Sentence",
]
