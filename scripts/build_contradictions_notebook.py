"""Writes notebooks/contradictions.ipynb (cells only; execute it with nbclient to fill the outputs)."""

from pathlib import Path

import nbformat as nbf

cells = []
md = lambda s: cells.append(nbf.v4.new_markdown_cell(s.strip()))  # noqa: E731
code = lambda s: cells.append(nbf.v4.new_code_cell(s.strip()))  # noqa: E731

md("""
# Internal contradictions, the pair cross-encoder, and copy checked against its source

Five measurements:

1. **Held-out synthetic pairs**, per encoder profile (`accurate`, `fast`): pairs made by rule
   (`detector/training/perturb.py`) from the 15% of train-split human news articles that training never sees
   (by article). Accuracy and F1 of the contradiction class.
2. **Hand-labelled real pairs** (`labels/contradiction_pairs.jsonl`, 373 pairs, guide in `labels/README.md`):
   a human article's sentence against the closest sentence of a machine-*manipulated* version of the same
   llmfake story, and candidate pairs inside human test-split articles. Never used for training or thresholds.
3. **Insertion benchmark** on human news articles of the **test** split (seed 20261123): into each article,
   a contradiction of one of its sentences (changed number, negation, swapped entity, changed day/date) is
   inserted as a paragraph of its own further on; *pair recall* is the share of insertions where the inserted
   sentence is flagged with the source sentence as `related`. The same articles unmodified give the false
   contradiction pairs per clean article. Shown per kind against the targets of issue 12.
4. **The pair cross-encoder on real pairs**: the held-out VitaminC test split (`../shared/data/nli`) read through
   the public API `detector.contradiction.score_pairs`.
5. **Source mode**: `scores.against_source` on LLMFake test copies checked against the human story they were
   made from (`detector eval source`).

Targets, issue 5: numeric insertions recall >= 0.85, semantic insertions recall >= 0.5, at most 0.1 false
contradiction pairs per clean human news article. Issue 12: per kind entity >= 0.6, negation and date >= 0.93,
numbers >= 0.95, at most 0.05 false pairs per clean article; VitaminC contradiction-vs-rest AUROC >= 0.90;
`against_source` AUROC >= 0.9.

The numbers are what `detector eval contradictions` and `detector eval source` print (the same functions,
`evaluate`). With `DETECTOR_NOTEBOOK_SLICE=ci` the notebook runs the `fast` profile on a small slice only
(6 articles, 48 VitaminC pairs, 24 LLMFake copies).
""")
code("""
import json
import os
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from detector.artifacts import ArtifactStore
from detector.contradiction.evaluate import evaluate

SLICE = os.environ.get("DETECTOR_NOTEBOOK_SLICE", "")
CI = SLICE == "ci"
PROFILES = ["fast"] if CI else ["accurate", "fast"]
MAX_ARTICLES = 6 if CI else None
VITAMINC_PER_KIND = 24 if CI else None     # VitaminC test pairs per kind (real, synthetic); None: all
SOURCE_COPIES = 12 if CI else None         # LLMFake test copies per class (faithful, distorting); None: all
store = ArtifactStore()
NOTEBOOK_STARTED = time.perf_counter()
print(f"slice={SLICE or 'full'} profiles={PROFILES} max_articles={MAX_ARTICLES} "
      f"vitaminc_per_kind={VITAMINC_PER_KIND} source_copies={SOURCE_COPIES}")


def table(rows, columns):
    \"\"\"A markdown table; floats with 3 decimals, None as an empty cell.\"\"\"
    head = "| " + " | ".join(columns) + " |\\n|" + "---|" * len(columns) + "\\n"
    body = "".join("| " + " | ".join("" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in r)
                   + " |\\n" for r in rows)
    display(Markdown(head + body))


def check_mark(value, target, at_least=True):
    if value is None:
        return ""
    return "yes" if (value >= target if at_least else value <= target) else "**no**"
""")
code("""
results = {}
for profile in PROFILES:
    started = time.perf_counter()
    results[profile] = evaluate(profile, MAX_ARTICLES)
    print(f"{profile}: {time.perf_counter() - started:.0f} s  ({results[profile]['command']})")
""")
md("""
## 1-2. Pair sets: held-out synthetic and hand-labelled real pairs

`combined` is the check's decision (semantic or anchored-cue path, or the numeric path where the figures clash); AUROC is of the larger of the two probabilities.
""")
code("""
def row(name, m):
    return (name, m["n"], m["contradicting"], m["accuracy"], m["precision"], m["recall"], m["f1_contradiction"])

rows = []
for profile, r in results.items():
    rows.append(row(f"{profile} / synthetic held-out", r["synthetic_test"]["combined"]))
    if "hand_labelled" in r:
        rows.append(row(f"{profile} / hand-labelled, all", r["hand_labelled"]["combined"]))
        for source, m in r["hand_labelled"]["by_source"].items():
            rows.append(row(f"{profile} / hand-labelled, {source}", m))
table(rows, ["profile / set", "pairs", "contradicting", "accuracy", "precision", "recall", "F1 (contradiction)"])
for profile, r in results.items():
    print(profile, "AUROC synthetic", r["synthetic_test"].get("auroc_max_probability"),
          "hand-labelled", r.get("hand_labelled", {}).get("auroc_max_probability"))
""")
code("""
for profile, r in results.items():
    print(profile, "share of held-out synthetic pairs flagged, by edit (label 1 = recall, label 0 = false flags):")
    for kind, m in r["synthetic_test"]["recall_by_kind"].items():
        print(f"  {kind:16s} label={m['label']} n={m['n']:5d} flagged={m['flagged']:.3f}")
""")
md("""
## 3. Insertion benchmark on test-split human news

Pair recall per inserted kind, and false contradiction pairs per clean article (the same articles unmodified),
each next to its issue 12 target.
""")
code("""
KIND_TARGETS = {"number": 0.95, "negation": 0.93, "date": 0.93, "entity": 0.6}
FALSE_PAIRS_TARGET = 0.05
KINDS = list(KIND_TARGETS)

rows = []
for profile, r in results.items():
    ins = r["insertion"]
    for kind in KINDS:
        value = ins["recall"].get(kind)
        rows.append((profile, kind, ins["cases"].get(kind), value, f">= {KIND_TARGETS[kind]}", check_mark(value, KIND_TARGETS[kind])))
    fp = ins["false_pairs_per_clean_article"]
    rows.append((profile, "false pairs per clean article", ins["clean_articles"], fp, f"<= {FALSE_PAIRS_TARGET}",
                 check_mark(fp, FALSE_PAIRS_TARGET, at_least=False)))
table(rows, ["profile", "kind", "cases (clean articles)", "measured", "target (issue 12)", "met"])
""")
code("""
fig, axes = plt.subplots(1, len(results), figsize=(4.2 * len(results), 3.6), squeeze=False)
for ax, (profile, r) in zip(axes[0], results.items()):
    ins = r["insertion"]
    values = [ins["recall"].get(kind, 0.0) for kind in KINDS]
    colours = ["tab:green" if v >= KIND_TARGETS[k] else "tab:red" for k, v in zip(KINDS, values)]
    ax.bar(np.arange(len(KINDS)), values, 0.6, color=colours)
    for x, kind in enumerate(KINDS):
        ax.hlines(KIND_TARGETS[kind], x - 0.4, x + 0.4, color="black", linestyle="--", linewidth=1)
        ax.text(x, min(values[x] + 0.02, 1.02), f"{values[x]:.2f}", ha="center", fontsize=8)
    ax.set_xticks(np.arange(len(KINDS)), KINDS)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("pair recall")
    fp = ins["false_pairs_per_clean_article"]
    ax.set_title(f"{profile}: false pairs/clean article {fp:.3f} (target <= {FALSE_PAIRS_TARGET})", fontsize=9)
fig.suptitle("Inserted contradictions caught per kind (dashed: issue 12 target; green: met)", fontsize=10)
plt.tight_layout()
plt.show()
""")
code("""
for profile, r in results.items():
    ins = r["insertion"]
    print(profile, json.dumps({k: ins[k] for k in ("caught_as_numeric", "clean_articles_with_a_flag", "document_score")}, indent=1))
""")
md("""
### Against the issue 5 targets

- numeric insertions (`number`): target recall >= 0.85;
- semantic insertions (`negation`, `entity`, `date`): target recall >= 0.5 (their mean);
- false contradiction pairs per clean article: target <= 0.1.
""")
code("""
for profile, r in results.items():
    ins = r["insertion"]
    semantic = np.mean([ins["recall"][k] for k in ("negation", "entity", "date") if k in ins["recall"]])
    print(f"{profile}: numeric recall {ins['recall'].get('number', float('nan')):.3f} (>= 0.85: {ins['recall'].get('number', 0) >= 0.85}); "
          f"semantic mean recall {semantic:.3f} (>= 0.5: {semantic >= 0.5}); "
          f"false pairs per clean article {ins['false_pairs_per_clean_article']:.3f} (<= 0.1: {ins['false_pairs_per_clean_article'] <= 0.1}); "
          f"thresholds {r['thresholds']}")
""")
md("""
## 4. The pair cross-encoder on real pairs: VitaminC test

`score_pairs(pairs)` gives P(contradiction, entailment, neutral) for each (premise, hypothesis); here the premise is
VitaminC's evidence sentence and the hypothesis its claim (REFUTES -> contradiction, SUPPORTS -> entailment,
NOT ENOUGH INFO -> neutral; loader and metrics are `detector.contradiction.train_cross_encoder`'s, which also
wrote the manifest's `metrics.vitaminc_test`). The test split was never trained on (pages split three ways).
Contradiction against the rest is scored by P(contradiction) of the pair read once, in that order; precision,
recall and F1 at the threshold shipped in `models/contradictions/accurate-cross-encoder.json` (chosen on clean dev
news articles for the accurate pipeline's pair reader, which would read each pair in both orders) and at the argmax
of the three classes.
""")
code("""
from sklearn.metrics import confusion_matrix, roc_curve

from detector.contradiction import score_pairs
from detector.contradiction.cross_encoder import LABELS
from detector.contradiction.pairs import binary_metrics
from detector.contradiction.reader import READER_ARTIFACT
from detector.contradiction.train_cross_encoder import contradiction_metrics, vitaminc
from detector.training.data import stable_fraction

reader = json.loads((store.root / READER_ARTIFACT).read_text())
THRESHOLD = reader["threshold"]
VITAMINC_TARGET = 0.90

vitc = {}
for kind in ("real", "synthetic"):
    rows = vitaminc("test", kind)
    if VITAMINC_PER_KIND:
        rows = sorted(rows, key=lambda r: stable_fraction(r[0] + r[1], "notebook-vitaminc"))[:VITAMINC_PER_KIND]
    started = time.perf_counter()
    probs = score_pairs([(a, b) for a, b, _ in rows], profile="accurate")
    vitc[kind] = {"y": np.array([y for _, _, y in rows]), "probs": probs, "seconds": time.perf_counter() - started}
vitc["all"] = {"y": np.concatenate([vitc[k]["y"] for k in ("real", "synthetic")]),
               "probs": np.vstack([vitc[k]["probs"] for k in ("real", "synthetic")])}

rows = []
for kind, v in vitc.items():
    m = contradiction_metrics(v["y"], v["probs"])
    is_c = (v["y"] == 0).astype(int)
    at_t = binary_metrics(is_c, v["probs"][:, 0], THRESHOLD)
    at_max = binary_metrics(is_c, (v["probs"].argmax(1) == 0).astype(float), 0.5)
    v["metrics"] = {**m, "at_threshold": at_t, "argmax": at_max}
    auroc = m.get("auroc_contradiction_vs_rest")
    rows.append((kind, m["n"], m["contradictions"], auroc, f">= {VITAMINC_TARGET}", check_mark(auroc, VITAMINC_TARGET),
                 m["accuracy_3way"], at_t["precision"], at_t["recall"], at_t["f1_contradiction"], at_max["f1_contradiction"]))
table(rows, ["VitaminC test", "pairs", "contradictions", "AUROC (contradiction vs rest)", "target", "met", "3-way accuracy",
             f"precision @ {THRESHOLD:.3f}", f"recall @ {THRESHOLD:.3f}", f"F1 @ {THRESHOLD:.3f}", "F1 (argmax)"])
seconds = sum(vitc[k]["seconds"] for k in ("real", "synthetic"))
print(f"score_pairs read {len(vitc['all']['y'])} pairs in {seconds:.0f} s ({len(vitc['all']['y']) / seconds:.1f} pairs/s)")
""")
code("""
y, probs = vitc["all"]["y"], vitc["all"]["probs"]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
three = confusion_matrix(y, probs.argmax(1), labels=[0, 1, 2])
two = confusion_matrix((y == 0).astype(int), (probs[:, 0] >= THRESHOLD).astype(int), labels=[1, 0])
for ax, matrix, ticks, title in ((axes[0], three, list(LABELS), "3-way, argmax"),
                                 (axes[1], two, ["contradiction", "rest"], f"contradiction vs rest, P >= {THRESHOLD:.3f}")):
    ax.imshow(matrix, cmap="Blues")
    for (i, j), n in np.ndenumerate(matrix):
        ax.text(j, i, str(n), ha="center", va="center", color="white" if n > matrix.max() / 2 else "black")
    ax.set_xticks(range(len(ticks)), ticks, fontsize=8)
    ax.set_yticks(range(len(ticks)), ticks, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("VitaminC label")
    ax.set_title(title, fontsize=9)
for kind in ("real", "synthetic", "all"):
    v = vitc[kind]
    fpr, tpr, _ = roc_curve((v["y"] == 0).astype(int), v["probs"][:, 0])
    axes[2].plot(fpr, tpr, label=f"{kind} (AUROC {v['metrics'].get('auroc_contradiction_vs_rest', float('nan')):.3f})")
axes[2].plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
axes[2].set_xlabel("false positive rate")
axes[2].set_ylabel("true positive rate")
axes[2].set_title(f"ROC, P(contradiction) (target AUROC >= {VITAMINC_TARGET})", fontsize=9)
axes[2].legend(fontsize=8, loc="lower right")
plt.tight_layout()
plt.show()
table([(LABELS[i], *[int(n) for n in three[i]]) for i in range(3)], ["label \\\\ predicted", *LABELS])
""")
code("""
manifest_metrics = store.entry("contradictions/cross-encoder/model.safetensors").get("metrics", {}).get("vitaminc_test", {})
print("manifest metrics.vitaminc_test (all):", manifest_metrics.get("all"))
print("accurate-cross-encoder.json:", json.dumps(reader, indent=1))
""")
md("""
**The cross-encoder is not in the pipeline.** `models/contradictions/accurate-cross-encoder.json` says
`"in_pipeline": false` and why (printed above). Measured when that was decided (2026-12-04, the 6-layer model,
`detector eval contradictions --profile accurate --skip-synthetic --reader on`, all 356 human test articles):
added to the bi-encoder it lifts planted entity swaps from 0.148 to 0.409, dates from 0.936 to 0.981 and
negations from 0.934 to 0.943, at 0.048 false pairs per clean article (0.017 without it). But all 13 pairs it
adds on its own on 356 human and 300 machine test articles are wrong for an editor: two players booked in one
match commentary ("X (Torquay United) is shown the yellow card" / "Y ..."), "First Half ends" / "Second Half
ends", restated rhetoric ("We will not be defeated" / "We are not going away"). A planted entity swap has the
shape of those booked players (a near-copy with one name changed), which is why the benchmark gain does not
reach an editor. On VitaminC (above) it separates contradictions from the rest with AUROC about 0.80 (0.555
before the retraining), short of the 0.90 asked for; the real Wikipedia revisions, which turn on comparing
numbers ("over 89 million views" / "fewer than 91.5 million"), stay the hard part.
Both profiles flag with the bi-encoder models and the gate; the cross-encoder is used through `score_pairs`,
where source mode confirms a negation flip or a changed name (P(contradiction) >= 0.5, below).
""")
md("""
## 5. Source mode: copy checked against its source

`detector eval source` (`detector.source.evaluate.evaluate(store, profile, split="test")`): LLMFake test copies
with the human story they were made from as the source; `paraphrase_generation` / `rewrite_generation` copies
count as faithful, `information_manipulation_*` copies as distorting. AUROC of `scores.against_source`, the
share of distorting copies caught at 5% and 1% false positives, and AUROC per manipulation method (each method
against all faithful copies). Target (issue 12): AUROC >= 0.9. The end-to-end speed is left out here
(`detector eval source` times it).
""")
code("""
from detector.source.evaluate import evaluate as evaluate_source

SOURCE_TARGET = 0.9
source_results = {}
for profile in PROFILES:
    started = time.perf_counter()
    source_results[profile] = evaluate_source(store, profile, split="test", speed_pairs=0, limit=SOURCE_COPIES)
    s = source_results[profile]
    print(f"{profile}: {time.perf_counter() - started:.0f} s, {s['pairs']} copies ({s['faithful']} faithful, {s['distorting']} distorting)")

table([(p, s["pairs"], s["auroc"], f">= {SOURCE_TARGET}", check_mark(s["auroc"], SOURCE_TARGET), s["tpr_at_5pct_fpr"], s["tpr_at_1pct_fpr"])
       for p, s in source_results.items()],
      ["profile", "copies", "AUROC against_source", "target", "met", "TPR @ 5% FPR", "TPR @ 1% FPR"])
methods = sorted({m for s in source_results.values() for m in s["per_manipulation_method"]})
table([(m, *[x for s in source_results.values() for x in (s["per_manipulation_method"].get(m, {}).get("n"),
                                                          s["per_manipulation_method"].get(m, {}).get("auroc"))])
       for m in methods],
      ["manipulation method", *[f"{p}: {c}" for p in source_results for c in ("copies", "AUROC vs all faithful")]])
rows = []
for p, s in source_results.items():
    for name, counts in s["flags_per_copy"].items():
        rows.append((p, name, counts["source.contradicted"], counts["source.unsupported"]))
table(rows, ["profile", "copies", "source.contradicted per copy", "source.unsupported per copy"])
rows = [(p, name, c["n"], c["mean_score"], c["share_over_0.5"], c["flags_per_copy"])
        for p, s in source_results.items() for name, c in s["faithful_controls"].items()]
table(rows, ["profile", "faithful control", "copies", "mean against_source", "share over 0.5", "flags per copy"])
""")
code("""
fig, ax = plt.subplots(figsize=(8, 3.6))
width = 0.8 / len(source_results)
for k, (p, s) in enumerate(source_results.items()):
    values = [s["per_manipulation_method"].get(m, {}).get("auroc") or 0.0 for m in methods]
    ax.bar(np.arange(len(methods)) + k * width, values, width, label=f"{p} (all: {s['auroc'] or float('nan'):.2f})")
ax.axhline(SOURCE_TARGET, color="black", linestyle="--", linewidth=1)
ax.axhline(0.5, color="grey", linestyle=":", linewidth=1)
ax.set_xticks(np.arange(len(methods)) + width * (len(source_results) - 1) / 2,
              [m.replace("_", "\\n") for m in methods], fontsize=7)
ax.set_ylim(0, 1)
ax.set_ylabel("AUROC vs all faithful copies")
ax.set_title("against_source per manipulation method (dashed: target 0.9; dotted: chance)", fontsize=9)
ax.legend(fontsize=8, loc="lower right")
plt.tight_layout()
plt.show()
print(f"notebook ran {time.perf_counter() - NOTEBOOK_STARTED:.0f} s")
""")
md("""
### What the source-mode numbers mean

The target (AUROC >= 0.9) is not reached, and the per-flag counts above show why: the flags carry little of the
label on LLMFake. A manipulated copy is mostly the story word for word with one sentence or two changed or added,
so it raises few findings; the "faithful" paraphrases and rewrites are shorter retellings that themselves add facts
(ages, dates, names the source does not hold), so they raise *more* `source.unsupported` findings per copy than the
distorting ones. A model that also reads how much of the copy is verbatim source does reach about 0.90 on dev, but it
scores the source checked against itself as distorted (it learns "verbatim = distorted", which would flag every
lightly edited wire story), so it is not shipped; the faithful controls above (the source against itself and
against its own first half) are there to show the shipped model does not take that shortcut. Per method, the
copies that add unsupported content (Unsubstantiated_Content, Description_Ambiguity, Outdated_Information) are the
easiest; Incomplete_Fact (a copy that leaves facts out adds nothing to flag) stays near chance. The flags
themselves are useful to an editor (hand-judged precision 0.80 over 123 flags, README); the document score is not
yet a reliable verdict.

## Reading the numbers

- The synthetic pairs are near-copies with one edit; the insertion benchmark is built the same way, so both
  measure what the check is trained for. Real contradictions (the hand-labelled set, VitaminC) rarely look like
  that: the manipulated llmfake statements paraphrase and reframe, and most of them carry no lexical cue
  (negation, antonym, number, date, name) that the features see. Recall there is low, and the fine-tuned
  cross-encoder (4 layers of MiniLM, one epoch on 21,580 pairs, what the shared CPUs allowed) does not lift it.
- Entity swaps are the kind furthest from its target in both profiles (0.6 asked for); numbers, negations and dates
  sit near or above theirs (the table above says which are met).
- Thresholds are data: each is the lowest probability that keeps the flags on clean *dev*-split human
  articles under a budget (0.03 pairs per article for the embedding model and for the numeric model, 0.02
  for the anchored-cue model), stored in the artifact.
""")

nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
Path(__file__).resolve().parents[1].joinpath("notebooks", "contradictions.ipynb").write_text(nbf.writes(nb), encoding="utf-8")
