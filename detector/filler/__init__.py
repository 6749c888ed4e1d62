"""The filler family: sentences that carry no news.

It flags ``filler.generic`` (a trained classifier's probability that a sentence
is machine-written padding; it also gives ``scores.filler`` for the document),
``filler.repetition`` (the same point made again in one article: candidate pairs
from the sentence vectors, a small trained model decides), ``filler.stock_phrase``
(phrases machine-written news over-uses, measured on the training splits),
``filler.tautology`` (a sentence that says its subject is itself) and
``filler.template_residue`` (placeholders, chat-model talk, stock headings, stray
markup).

Where things live: the rules as plain functions over sentence text (``phrases``,
``residue``, ``tautology``), the interpretable sentence features (``features``),
the model (``model``), what a document computes once for every check
(``analysis``), the checks (``repetition``, ``generic``, ``checks``), and the
commands that build the shipped artifacts: ``train`` / ``evaluate`` (``detector
train filler`` / ``detector eval filler``), ``train_repetition`` (``detector
train repetition`` / ``detector eval repetition``) and ``train_phrases``
(the stock-phrase list). Training, evaluation and the checks compute features
with the same functions, so they cannot drift apart.
"""

# Importing the check modules registers the checks, and they run in this order:
# repetition before generic, which reads its flags.
# isort: off
from .repetition import Repetition
from .generic import Generic
from .checks import StockPhrase, Tautology, TemplateResidue
# isort: on

__all__ = ["Generic", "Repetition", "StockPhrase", "Tautology", "TemplateResidue"]
