"""The contradiction family: two statements of one article that cannot both be true.

It flags ``contradiction.semantic`` (both profiles: a calibrated classifier over the
two sentence vectors plus lexical cue features: negations, antonyms, dates, names,
quantifiers; pairs whose clash sits next to a shared word are also scored on the
cues alone; the accurate profile can add a cross-encoder fine-tuned from MiniLM that
reads each gated candidate pair in both orders, shipped switched off: see
``models/contradictions/accurate-cross-encoder.json``) and ``contradiction.numeric`` (two figures that count the same thing
with values no approximation reconciles), and gives ``scores.contradiction`` for
the document.

Where things live: reading one sentence's cues and quantities (``cues``; the
quantities come from the figures family, ``detector.figures``), pair features
over all candidate pairs of a document (``cue_pairs``), figure clashes
(``numeric``), the models' building blocks (``model``), the check (``check``),
the cross-encoder that reads a pair of sentences together and its public pair API
``score_pairs`` (``cross_encoder``; trained by ``train_cross_encoder``), the gate that
keeps pairs about two people, two events or two sides of a dispute apart (``gate``),
the accurate profile's budgeted reading of candidate pairs (``reader``),
and the commands: ``train`` / ``evaluate`` (``detector train contradictions`` /
``detector eval contradictions``), with the synthetic training pairs made by
rule in ``pairs`` and ``perturb``.
"""

from .check import Contradictions
from .cross_encoder import pair_model_sha256, score_pairs

__all__ = ["Contradictions", "pair_model_sha256", "score_pairs"]
