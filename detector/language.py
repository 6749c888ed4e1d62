"""Which language a document is in, and whether the trained models may score it.

The filler, contradiction and figure models were trained on English copy; on other
languages their numbers mean nothing (a Spanish human article scored filler 0.90).
So the pipeline identifies the language first, and for a language the models do
not know it leaves every model score null, says why in the report's notes, and runs
only the checks marked language-independent.

Identification is py3langid (a maintained fork of langid.py: a naive Bayes model
over byte n-grams, 97 languages, shipped inside the wheel, no download). On the
newsgpt test split it names the language of all 430 documents correctly (en, de,
fr, es), and of their first ~100 characters too, in about 1.5 ms a document
(`benchmarks/language_id.py`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

# Languages the shipped models were trained on.
SUPPORTED_LANGUAGES = ("en",)

# Below this many letters n-gram statistics decide little ("Hello." is Dutch or
# English alike), so a short text is never called foreign; whether it is long
# enough to score at all is a separate question the pipeline answers.
MIN_LETTERS = 40
# The model's length-tempered probability a foreign language must reach before a
# document loses its scores: a wrong "foreign" costs an English article all its
# checks, so doubt falls on the side of scoring.
MIN_PROBABILITY = 0.9
# Language is a property of the whole text, and its first few thousand characters
# settle it; reading more only costs time on long documents.
SAMPLE_CHARS = 6000

_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "ru": "Russian", "pl": "Polish", "tr": "Turkish", "ar": "Arabic", "zh": "Chinese",
    "ja": "Japanese", "ko": "Korean", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
    "uk": "Ukrainian", "cs": "Czech", "el": "Greek", "he": "Hebrew", "hi": "Hindi", "id": "Indonesian",
}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """``code`` is an ISO 639-1 code, or "und" when the text is too short to tell."""

    code: str
    probability: float | None

    @property
    def supported(self) -> bool:
        """Whether the trained models may score text in this language (undetermined counts as yes)."""
        return self.code == "und" or self.code in SUPPORTED_LANGUAGES

    @property
    def name(self) -> str:
        return _NAMES.get(self.code, self.code)


_identifier = None
_lock = threading.Lock()


def load_language_model() -> None:
    """Read the identifier's model now (``Detector.load`` does), not on the first document."""
    _get_identifier()


def _get_identifier():
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def identify_language(text: str) -> LanguageGuess:
    """The language of ``text`` (its first ``SAMPLE_CHARS`` characters)."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return LanguageGuess("und", None)
    code, probability = _get_identifier().classify(sample)
    if code not in SUPPORTED_LANGUAGES and probability < MIN_PROBABILITY:
        return LanguageGuess("und", round(float(probability), 4))
    return LanguageGuess(code, round(float(probability), 4))


def unsupported_note(guess: LanguageGuess) -> str:
    return (
        f"language: {guess.code} ({guess.name}) — the filler, contradiction and figure models are trained on "
        f"English; not scored"
    )
