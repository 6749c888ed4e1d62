"""detector.contradiction.score_pairs: the public pair API over the shipped cross-encoder."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from detector.contradiction import score_pairs
from detector.errors import ConfigError

PAIRS = [
    ("The bridge reopened on Monday.", "The bridge did not reopen on Monday."),
    ("The council approved the budget on Tuesday.", "Residents asked for more bus services."),
    ("The council approved the budget on Tuesday.", "The council rejected the budget on Tuesday."),
]


def test_shape_column_order_and_probabilities():
    out = score_pairs(PAIRS)
    assert out.shape == (3, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    # Columns are contradiction, entailment, neutral, as the model's own labels say.
    from detector.contradiction.cross_encoder import LABELS, load_pair_model

    assert LABELS == ("contradiction", "entailment", "neutral")
    assert [load_pair_model().model.config.id2label[i] for i in range(3)] == list(LABELS)
    assert out[0].argmax() == 0 and out[2].argmax() == 0
    assert out[1].argmax() == 2


def test_empty_input_and_batching_give_the_same_numbers():
    assert score_pairs([]).shape == (0, 3)
    one_by_one = np.vstack([score_pairs([p], batch_size=1) for p in PAIRS])
    np.testing.assert_allclose(score_pairs(PAIRS, batch_size=2), one_by_one, atol=1e-4)
    np.testing.assert_allclose(score_pairs(PAIRS, profile="fast"), one_by_one, atol=1e-4)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ConfigError):
        score_pairs(PAIRS, profile="slow")
    with pytest.raises(ConfigError):
        score_pairs(PAIRS, batch_size=0)


def test_threads_share_one_model():
    expected = score_pairs(PAIRS)
    results = []
    threads = [threading.Thread(target=lambda: results.append(score_pairs(PAIRS))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    for r in results:
        np.testing.assert_allclose(r, expected, atol=1e-5)
