"""The check interface: one small class per check, registered by name.

A check reads an ``Analysis`` (the segmented document, one vector per sentence,
and a memo for derived data other checks may share) and returns flags, plus a
document-level probability if a trained model stands behind one.

The checks themselves live with their family (``detector.filler``,
``detector.figures``, ``detector.contradiction``, ``detector.source``,
``detector.integrity``);
importing a family registers its checks. ``detector.pipeline`` imports them all,
so the registry is full whenever ``detector`` is imported.

Like a scikit-learn estimator, a check does no work in ``__init__``; ``load``
reads its artifacts once, after which ``run`` is read-only and thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import numpy as np

from .artifacts import ArtifactStore
from .errors import ConfigError
from .report import Flag
from .segment import Document

# A group is what users switch on and off (--checks filler,figures); each group's
# flags carry one type in the report.
GROUP_FLAG_TYPES = {
    "filler": "filler",
    "contradiction": "contradiction",
    "figures": "unsupported_figure",
    "integrity": "integrity",
    "source": "against_source",
}
# The order groups run and report in, whichever family happens to be imported first.
GROUP_ORDER = ("filler", "figures", "contradiction", "source", "integrity")


@dataclass(frozen=True, slots=True)
class Against:
    """The source a copy is checked against: segmented like any document, one vector per sentence.

    Only the ``source`` family reads it; every other check sees the copy alone.
    """

    document: Document
    vectors: np.ndarray
    name: str | None = None


@dataclass(slots=True)
class Analysis:
    """One document as the checks see it; ``vectors[i]`` belongs to ``document.sentences[i]``."""

    document: Document
    vectors: np.ndarray
    profile: str
    # The source text the copy was written from, when the caller gave one (``check(..., source_text=)``).
    against: Against | None = None
    _memo: dict[str, Any] = field(default_factory=dict)

    @property
    def sentences(self):
        return self.document.sentences

    def memo(self, key: str, compute: Callable[["Analysis"], Any]) -> Any:
        """Compute derived data once per document, for every check that asks."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]


@dataclass(slots=True)
class CheckResult:
    flags: list[Flag] = field(default_factory=list)
    score: float | None = None  # document-level probability for the check's flag type
    extras: dict[str, Any] = field(default_factory=dict)  # report-level data, e.g. the figures


class Check:
    """Base class. Subclasses set the class attributes and implement ``run``."""

    name: ClassVar[str]
    group: ClassVar[str]
    codes: ClassVar[dict[str, str]] = {}
    # Whether ``run`` returns the document score of the group's flag type.
    scores_document: ClassVar[bool] = False
    # Whether the check means the same in any language (invisible characters, say).
    # Only such checks run on text the models were not trained on (detector/language.py);
    # they get no sentence vectors there.
    language_independent: ClassVar[bool] = False
    # Profiles built on another (``encoders.BUILT_ON``) for which this check has models of its
    # own; for any other such profile it loads the base profile's.
    own_profiles: ClassVar[tuple[str, ...]] = ()

    @property
    def flag_type(self) -> str:
        return GROUP_FLAG_TYPES[self.group]

    def load(self, store: ArtifactStore, profile: str) -> "Check":
        """Read trained artifacts for ``profile``; the default check needs none."""
        return self

    def run(self, analysis: Analysis) -> CheckResult:  # pragma: no cover - interface
        raise NotImplementedError

    def flag(self, sentence: int, code: str, score: float, message: str, related=(), **evidence) -> Flag:
        return Flag(sentence, self.flag_type, code, float(score), message, tuple(related), evidence)


_REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    if cls.group not in GROUP_FLAG_TYPES:
        raise ValueError(f"{cls.__name__}: unknown group {cls.group!r}")
    _REGISTRY[cls.name] = cls
    return cls


def registered_checks() -> dict[str, type[Check]]:
    """Every registered check by name: groups in ``GROUP_ORDER``, checks of a group in registration order."""
    ranked = sorted(enumerate(_REGISTRY.items()), key=lambda item: (GROUP_ORDER.index(item[1][1].group), item[0]))
    return dict(entry for _, entry in ranked)


def resolve_checks(names: list[str] | tuple[str, ...] | None) -> list[type[Check]]:
    """Check classes for group names (filler, contradiction, figures) or check names."""
    if names is None:
        return list(registered_checks().values())
    chosen: list[type[Check]] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name in GROUP_FLAG_TYPES:
            matches = [c for c in registered_checks().values() if c.group == name]
        elif name in _REGISTRY:
            matches = [_REGISTRY[name]]
        else:
            known = sorted(set(GROUP_FLAG_TYPES) | set(_REGISTRY))
            raise ConfigError(f"unknown check {name!r}; expected one of {', '.join(known)}")
        chosen.extend(c for c in matches if c not in chosen)
    return chosen
