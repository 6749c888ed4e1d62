"""The library: Detector.load once, check, check_many in batches, thread safety, bad documents."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from detector import Detector, InputError, Report
from detector.checks import Check, CheckResult
from detector.encoders import Encoder

ARTICLES = [
    "The council met on Tuesday. It approved the budget by a vote of 7 to 2. The mayor praised the result.",
    "# Storm update\n\nHeavy rain closed the coastal road. Crews expect to reopen it on Friday.\n",
    "<p>The museum reopened after a <b>two-year</b> renovation. Visitors queued from 8 a.m.</p>",
]


def test_check_returns_a_valid_report(fast_detector, example_text, validate_report):
    report = fast_detector.check(example_text, source="example.md")
    assert isinstance(report, Report) and report.ok
    payload = report.to_dict()
    validate_report(payload)
    assert payload["source"] == "example.md"
    assert payload["meta"]["profile"] == "fast"
    for sentence in payload["sentences"]:
        assert example_text[sentence["start"] : sentence["end"]] == sentence["text"]
        for flag in sentence["flags"]:
            assert all(0 <= j < len(payload["sentences"]) and j != sentence["index"] for j in flag["related"])
    assert json.loads(report.to_json()) == payload


def test_checks_without_a_model_report_null_scores(fast_detector, example_text):
    report = fast_detector.check(example_text, checks=["repetition"])
    assert report.scores == {"filler": None, "contradiction": None, "unsupported_figure": None, "against_source": None}


def test_empty_text_gives_an_empty_report(fast_detector, validate_report):
    for text in ("", "   \n\n", b""):
        report = fast_detector.check(text)
        assert report.ok and report.sentences == [] and report.flags == []
        validate_report(report.to_dict())


def test_bytes_are_decoded(fast_detector):
    report = fast_detector.check("Café owners said the “plan” was naïve.".encode("cp1252"))
    assert report.sentences[0].clean == "Café owners said the “plan” was naïve."


def test_bad_input_raises_a_clear_error(fast_detector):
    with pytest.raises(InputError, match="binary"):
        fast_detector.check(b"\x00\x01\x02" * 100, source="blob.bin")
    with pytest.raises(InputError, match="expected text or bytes"):
        fast_detector.check(12345)  # type: ignore[arg-type]


def test_check_many_keeps_order_and_matches_check(fast_detector):
    many = list(fast_detector.check_many(ARTICLES * 3, batch_size=2, sources=[f"doc{i}" for i in range(9)]))
    assert [r.source for r in many] == [f"doc{i}" for i in range(9)]
    for text, report in zip(ARTICLES * 3, many):
        single = fast_detector.check(text)
        assert [s.text for s in report.sentences] == [s.text for s in single.sentences]
        assert [f.code for f in report.flags] == [f.code for f in single.flags]


class _CountingModel:
    """Stands in for the static model: deterministic vectors, and a record of every call."""

    dim = 8

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts, **_kwargs):
        self.calls.append(list(texts))
        rng = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=self.dim) for t in texts]
        return np.array(rng, dtype=np.float32)


def test_one_encoder_pass_per_batch_and_per_unique_sentence():
    model = _CountingModel()
    detector = Detector(Encoder("fast", model, model.dim), checks=[])
    texts = ["Same sentence here. Another one.", "Same sentence here. A third one.", "Same sentence here."]
    reports = list(detector.check_many(texts, batch_size=3))
    assert len(model.calls) == 1, "the batch must be encoded in one call"
    assert sorted(model.calls[0]) == sorted({"Same sentence here.", "Another one.", "A third one."})
    assert [len(r.sentences) for r in reports] == [2, 2, 1]
    list(detector.check_many(texts[:1], batch_size=3))
    assert len(model.calls) == 1, "sentences seen before come from the cache"


class _ExplodingCheck(Check):
    name = "exploding"
    group = "filler"

    def run(self, analysis):
        if "explode" in analysis.document.text:
            raise RuntimeError("boom")
        return CheckResult()


def test_one_bad_document_never_loses_the_others(fast_detector):
    detector = Detector(fast_detector.encoder, [*fast_detector.checks, _ExplodingCheck()], max_chars=10_000)
    inputs = [
        ARTICLES[0],
        b"\x00\xff\x00\xfe binary",
        "x" * 10_001,
        "Please explode now. This sentence is fine.",
        None,
        ARTICLES[1],
    ]
    reports = list(detector.check_many(inputs, batch_size=4))
    assert len(reports) == len(inputs)
    assert [r.ok for r in reports] == [True, False, False, False, False, True]
    assert "binary" in reports[1].error
    assert "over the limit" in reports[2].error
    assert "boom" in reports[3].error
    assert "expected text or bytes" in reports[4].error
    assert reports[5].sentences and reports[5].to_dict()["sentences"][0]["text"] == "Storm update"


def test_error_reports_follow_the_schema(fast_detector, validate_report):
    report = next(fast_detector.check_many([b"\x00\x00\x00"], sources=["bad.bin"]))
    payload = report.to_dict()
    validate_report(payload)
    assert payload["error"] and payload["sentences"] == [] and payload["source"] == "bad.bin"


def test_concurrent_checks_give_the_same_results(accurate_detector, example_text):
    texts = [example_text, *ARTICLES] * 3
    expected = [accurate_detector.check(t).to_dict() for t in texts]
    barrier = threading.Barrier(6)

    def run(text):
        barrier.wait(timeout=30)
        return accurate_detector.check(text).to_dict()

    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(run, texts[:6])) + list(pool.map(accurate_detector.check, texts[6:]))
    got = got[:6] + [r.to_dict() for r in got[6:]]
    assert got == expected


def test_unknown_check_or_profile_is_a_config_error(fast_detector):
    from detector.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown check"):
        fast_detector.check("Text.", checks=["nonsense"])
    with pytest.raises(ConfigError, match="unknown profile"):
        Detector.load(profile="turbo")


def test_filtered_report(fast_detector, example_text):
    report = fast_detector.check(example_text, checks=["repetition"])
    assert report.flags, "the example repeats itself"
    assert report.filtered(min_score=1.01).flags == []
    assert report.filtered(ignore=["filler"]).flags == []
    assert report.filtered(ignore=["filler.repetition"]).flags == []
    assert len(report.filtered(ignore=["filler.other"]).flags) == len(report.flags)


def test_fast_linear_probabilities_match_scikit_learn():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from detector.scoring import probability_function

    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 5)) * [1, 10, 0.1, 5, 2] + [0, 3, -1, 0, 7]
    y = (x[:, 0] + x[:, 1] / 10 > 0.3).astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    fast = probability_function(model, n_features=5)
    assert np.allclose(fast(x), model.predict_proba(x)[:, 1])


def _calibrated_models():
    """The shapes of model the checks ship: calibrated, per-block scaled, multiclass, prefit and frozen."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(4)
    x = rng.normal(size=(300, 6)) * [1, 10, 0.1, 5, 2, 1] + [0, 3, -1, 0, 7, 0]
    binary = (x[:, 0] + x[:, 1] / 10 > 0.3).astype(int)
    three = np.digitize(x[:, 0] - x[:, 4] / 2, [-4, -3]).astype(str)
    blocks = ColumnTransformer([("embedding", "passthrough", slice(0, 3)), ("cues", StandardScaler(), slice(3, None))])
    scaled = make_pipeline(StandardScaler(), LogisticRegression(C=0.5))
    yield x, CalibratedClassifierCV(make_pipeline(blocks, LogisticRegression()), method="sigmoid", cv=3).fit(x, three)
    yield x, CalibratedClassifierCV(make_pipeline(StandardScaler(), LogisticRegression()), method="sigmoid", cv=3).fit(x, binary)
    yield x, CalibratedClassifierCV(FrozenEstimator(scaled.fit(x, binary)), method="sigmoid").fit(x, binary)


def test_fast_calibrated_probabilities_match_scikit_learn():
    from detector.scoring import probabilities_function

    for x, model in _calibrated_models():
        fast = probabilities_function(model, n_features=6)
        assert fast != model.predict_proba  # the fast path was taken, not the fallback
        wide = x * 50  # far out, where the sigmoids saturate
        assert np.allclose(fast(x), model.predict_proba(x), atol=1e-9)
        assert np.allclose(fast(wide), model.predict_proba(wide), atol=1e-9)


def test_models_without_a_fast_path_fall_back_to_predict_proba():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier

    from detector.scoring import probabilities_function

    x = np.random.default_rng(5).normal(size=(120, 3))
    model = CalibratedClassifierCV(HistGradientBoostingClassifier(max_iter=5), cv=2).fit(x, (x[:, 0] > 0).astype(int))
    assert probabilities_function(model, n_features=3) == model.predict_proba
