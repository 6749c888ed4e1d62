"""Every stand-off label still points at the sentence it was written for.

Labels keep input offsets and a hash of the sentence text the models read; a
change to segmentation or normalisation that moves or rewrites a labelled
sentence makes its training and evaluation command fail, so it is caught here.
"""

from __future__ import annotations

from .conftest import needs_shared_data


@needs_shared_data
def test_figure_support_labels_match_their_sentences():
    from detector.figures.train import load_items

    assert len(load_items()) > 1000


@needs_shared_data
def test_repetition_labels_match_their_sentences():
    from detector.filler.train_repetition import load_labelled_pairs

    assert len(load_labelled_pairs()) > 300


@needs_shared_data
def test_contradiction_labels_match_their_sentences():
    from detector.contradiction.pairs import load_labelled_pairs

    assert len(load_labelled_pairs()) > 300
