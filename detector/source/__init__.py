"""The source family: copy checked against the text it was written from (a wire story, a press release).

It runs only when the caller gives a source text (``detector check COPY --against
SOURCE``, ``Detector.check(text, source_text=...)``, ``"source"`` in the HTTP API)
and flags, per copy sentence, ``source.contradicted`` (the matching source sentence
says otherwise: another figure for the same quantity, another name, a negation
flipped; the evidence quotes it with its offsets into the source text) and
``source.unsupported`` (a figure, a name or a claim the source does not contain). It
gives ``scores.against_source``, the probability that the copy distorts its source.

Where things live: the reading (alignment by sentence vectors, then figures, names,
negations and claims compared) ``reading``; the document model's features
``model``; the two checks ``check``; ``detector train source`` / ``detector eval
source`` in ``train`` / ``evaluate`` (LLMFake: faithful paraphrases and rewrites vs
manipulated versions of the same stories).
"""

from .check import SourceContradicted, SourceUnsupported
from .reading import SourceReading, SourceThresholds, read_against

__all__ = ["SourceContradicted", "SourceReading", "SourceThresholds", "SourceUnsupported", "read_against"]
