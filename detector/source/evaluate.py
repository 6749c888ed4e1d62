"""``detector eval source``: does ``scores.against_source`` tell distorting copies from faithful ones?

On the LLMFake test split: AUROC of the shipped document model for
``information_manipulation_*`` copies against ``paraphrase_generation`` /
``rewrite_generation`` copies of the same stories, overall and per manipulation
method (each method against all faithful copies), the share of distorting copies
caught at 5% false positives, pairs checked per second end to end
(``Detector.check(copy, source_text=source)``), and a dump of every per-sentence
flag (JSONL) for judging by hand.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..training import commands
from ..training.data import short_hash
from .check import ARTIFACT
from .judging import precision as judged_precision
from .judging import read_jsonl
from .model import reading_features
from .reading import SourceThresholds
from .train import CACHE, Pair, VectorCache, load_split, pairs, prepare, read_all


def _auroc(y: np.ndarray, score: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(y, score)), 4) if len(set(y.tolist())) == 2 else None


def _tpr_at(y: np.ndarray, score: np.ndarray, fpr: float) -> float:
    negatives = np.sort(score[y == 0])
    cut = negatives[min(len(negatives) - 1, int(np.ceil((1 - fpr) * len(negatives))) - 1)]
    return round(float((score[y == 1] > cut).mean()), 4)


def evaluate(store: ArtifactStore, profile: str, split: str = "test", dump: Path | None = None, speed_pairs: int = 40,
             limit: int | None = None) -> dict:
    """``limit``: only the first LIMIT faithful and LIMIT distorting copies of the split (a quick slice, e.g. for CI)."""
    from ..encoders import Encoder

    artifact = store.load_joblib(ARTIFACT.format(profile=profile))
    thresholds = SourceThresholds(**artifact["thresholds"])
    cache = VectorCache(Encoder.load(profile, store), profile)
    if limit:
        everything = pairs(split)
        items = [i for i in everything if not i.distorts][:limit] + [i for i in everything if i.distorts][:limit]
        prepare(items, cache, profile)
    else:
        items = load_split(split, profile, store, cache)
    read_all(items, thresholds, profile, store)
    model = artifact["model"]
    x = np.stack([reading_features(i.reading) for i in items])
    y = np.array([i.distorts for i in items])
    score = model.predict_proba(x)[:, 1]
    methods = sorted({i.method for i in items if i.distorts})
    per_method = {}
    for method in methods:
        keep = np.array([(not i.distorts) or i.method == method for i in items], dtype=bool)
        per_method[method.removeprefix("information_manipulation_")] = {
            "n": int(sum(i.method == method for i in items)), "auroc": _auroc(y[keep], score[keep]),
        }
    faithful = {}
    for method in ("paraphrase_generation", "rewrite_generation"):
        keep = np.array([bool(i.distorts) or i.method == method for i in items])
        faithful[method] = {"n": int(sum(i.method == method for i in items)), "auroc_vs_all_distorting": _auroc(y[keep], score[keep])}
    flags_per_copy = {}
    for label, name in ((0, "faithful"), (1, "distorting")):
        chosen = [i for i in items if i.distorts == label]
        counts = {}
        for code in ("source.contradicted", "source.unsupported"):
            counts[code] = round(float(np.mean([sum(1 for f in i.reading.findings if f.code == code) for i in chosen])), 3)
        flags_per_copy[name] = counts
    # Copies that keep every fact by construction: the source itself, and its first half (a cut). The
    # document model must not read "verbatim" or "shorter" as distortion.
    controls = {}
    stories = list({i.pair: i for i in items}.values())
    for name, cut in (("source_itself", lambda t: t), ("source_first_half", lambda t: t[: _sentence_cut(t)])):
        copies = [Pair(f"{s.pair}:{name}", s.pair, name, "", 0, cut(s.source), s.source) for s in stories]
        prepare(copies, cache, profile)
        read_all(copies, thresholds, profile, store)
        control = model.predict_proba(np.stack([reading_features(c.reading) for c in copies]))[:, 1]
        controls[name] = {"n": len(copies), "mean_score": round(float(control.mean()), 4),
                          "share_over_0.5": round(float((control > 0.5).mean()), 4),
                          "flags_per_copy": round(float(np.mean([len(c.reading.findings) for c in copies])), 3)}
    result = {
        "split": split,
        "pairs": len(items),
        "faithful": int((y == 0).sum()),
        "distorting": int(y.sum()),
        "auroc": _auroc(y, score),
        "tpr_at_5pct_fpr": _tpr_at(y, score, 0.05),
        "tpr_at_1pct_fpr": _tpr_at(y, score, 0.01),
        "per_manipulation_method": per_method,
        "per_faithful_method": faithful,
        "flags_per_copy": flags_per_copy,
        "faithful_controls": controls,
    }
    if dump is not None:
        dump.parent.mkdir(parents=True, exist_ok=True)
        with dump.open("w", encoding="utf-8") as handle:
            for item, p in zip(items, score):
                sentences = item.analysis.document.sentences
                for f in item.reading.findings:
                    handle.write(json.dumps({
                        "article": item.id, "pair": item.pair, "method": item.method, "distorts": item.distorts,
                        "against_source": round(float(p), 4), "sentence": f.sentence,
                        "sha1": short_hash(sentences[f.sentence].clean), "code": f.code, "kind": f.what,
                        "copy_sentence": sentences[f.sentence].text, "copy": f.text, "message": f.message,
                        "source": f.source.to_dict() if f.source else None, "source_says": f.source_text,
                        "nli": f.nli, "similarity": round(f.similarity, 4),
                    }, ensure_ascii=False) + "\n")
        result["dump"] = str(dump)
        if split == "test" and profile == "accurate":
            result["judged_flags"] = judged_precision(read_jsonl(dump))
    if speed_pairs:
        result["speed"] = _speed(store, profile, items[:speed_pairs])
    return result


def _sentence_cut(text: str) -> int:
    """The end of the sentence that closes the first half of ``text``."""
    middle = len(text) // 2
    end = text.find(". ", middle)
    return end + 1 if end != -1 else len(text)


def _speed(store: ArtifactStore, profile: str, items) -> dict:
    """Copy/source pairs per second through the product, from a freshly loaded Detector (nothing encoded yet)."""
    from ..contradiction import score_pairs
    from ..pipeline import Detector

    detector = Detector.load(profile=profile, checks=["source"], models_dir=str(store.root))
    score_pairs([("The council met.", "The council did not meet.")], profile=profile, store=store)  # load it once
    started = time.perf_counter()
    for item in items:
        detector.check(item.copy, source_text=item.source)
    elapsed = time.perf_counter() - started
    return {"pairs": len(items), "seconds": round(elapsed, 2), "pairs_per_second": round(len(items) / elapsed, 2)}


@click.command(help="Measure scores.against_source on LLMFake (distorting vs faithful copies of the same stories).")
@commands.eval_profiles
@commands.models_directory
@click.option("--split", type=click.Choice(["dev", "test"]), default="test", show_default=True)
@click.option("--dump", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every per-sentence flag here as JSONL (default: .cache/source/flags-SPLIT-PROFILE.jsonl).")
@click.option("--speed-pairs", type=click.IntRange(0), default=40, show_default=True, help="Pairs timed end to end (0: none).")
def eval_command(profiles, models_dir, split, dump, speed_pairs) -> None:
    store = ArtifactStore(models_dir)
    for profile in commands.each_profile(profiles):
        path = dump or CACHE / f"flags-{split}-{profile}.jsonl"
        commands.echo_json({"profile": profile, **evaluate(store, profile, split, path, speed_pairs)})
