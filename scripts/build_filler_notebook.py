"""Writes notebooks/filler.ipynb (cells only; execute it with nbclient to fill the outputs)."""

from pathlib import Path

import nbformat as nbf

cells = []
md = lambda s: cells.append(nbf.v4.new_markdown_cell(s.strip()))  # noqa: E731
code = lambda s: cells.append(nbf.v4.new_code_cell(s.strip()))  # noqa: E731

md("""
# Filler: how well the filler checks work on held-out data

Everything here reads the **test** splits of `../shared/data/ai_text` (the models were trained on train, calibrated and
thresholded on dev). `DETECTOR_NOTEBOOK_SLICE=ci` runs a small slice with the `fast` profile (CI); the committed outputs
are the full run with the `accurate` profile. The same numbers come as JSON from
`detector eval filler --profile accurate` (and `--profile fast`).

Contents: document metrics per data set, domain and generator (with and without chat-preamble rows); ROC curves,
calibration, score histograms; sentence-level evaluation on spliced articles; the non-English wiki stress test;
leave-one-generator-out and LLMFake<->newsgpt transfer; the top stock phrases; the example and a clean human story.
""")
code("""
import json, os, time
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_curve

from detector.artifacts import ArtifactStore
from detector.filler.model import FillerModel
from detector.filler.phrases import shipped_phrases
from detector.filler import evaluate as FE
from detector.filler import train as F

SLICE = os.environ.get("DETECTOR_NOTEBOOK_SLICE", "full")
CI = SLICE == "ci"
PROFILE = "fast" if CI else "accurate"
LIMIT = 12 if CI else None          # documents per data set and label
store = ArtifactStore()
model = FillerModel(store.load_joblib(f"filler/{PROFILE}.joblib"))
print(f"slice={SLICE} profile={PROFILE} default sentence threshold p>={model.threshold:.3f}")

def table(rows, columns):
    head = "| " + " | ".join(columns) + " |\\n|" + "---|" * len(columns) + "\\n"
    body = "".join("| " + " | ".join("" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in r) + " |\\n" for r in rows)
    display(Markdown(head + body))

def metric_rows(d):
    return [(k, v.get("n"), v.get("human"), v.get("machine"), v.get("auroc"), v.get("f1"), v.get("tpr_at_1pct_fpr"), v.get("tpr_at_5pct_fpr")) for k, v in d.items()]
COLS = ["set", "n", "human", "machine", "AUROC", "F1@0.5", "TPR@1%FPR", "TPR@5%FPR"]
""")
md("## Document level, test split")
code("""
t0 = time.time()
ev = FE.evaluate(PROFILE, LIMIT)
docs = ev["documents"]
print(f"evaluated in {time.time() - t0:.0f}s; command: {ev['command']}")
table(metric_rows({"LLMFake + newsgpt news (targets)": docs["english_news_llmfake_newsgpt"],
                   "same, without chat-preamble rows": docs["english_news_llmfake_newsgpt_without_preambles"]}), COLS)
print("machine documents with a chat preamble among the targets:", docs["preamble_documents"])
table(metric_rows(docs["by_dataset"]), COLS)
""")
md("By domain and by generator (each generator's texts against all human texts of its data set):")
code("""
table(metric_rows(docs["by_domain"]), COLS)
table(metric_rows(docs["by_generator"]), COLS)
""")
md("### ROC curves, calibration and score histograms")
code("""
tabs = FE.test_tables(PROFILE, LIMIT)
test = tabs["test"]
p = FE.document_probabilities(model, test)
y = test.doc_labels()
ds = np.array([d.dataset for d in test.docs])
fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
for name in dict.fromkeys(ds):
    m = ds == name
    if len(set(y[m])) == 2:
        fpr, tpr, _ = roc_curve(y[m], p[m])
        axes[0].plot(fpr, tpr, label=name)
axes[0].plot([0, 1], [0, 1], "k:", lw=0.8); axes[0].set_xscale("symlog", linthresh=0.01); axes[0].set_xlim(0, 1)
axes[0].set(xlabel="false-positive rate (symlog)", ylabel="true-positive rate", title="document ROC"); axes[0].legend(fontsize=8)
target = np.isin(ds, F.TARGET_SETS)
frac, mean = calibration_curve(y[target], p[target], n_bins=8 if not CI else 4, strategy="quantile")
axes[1].plot(mean, frac, "o-", label="LLMFake + newsgpt news"); axes[1].plot([0, 1], [0, 1], "k:")
axes[1].set(xlabel="predicted probability (scores.filler)", ylabel="share machine-written", title="calibration (test)"); axes[1].legend()
bins = np.linspace(0, 1, 26)
axes[2].hist(p[target & (y == 0)], bins=bins, alpha=0.6, label="human", density=True)
axes[2].hist(p[target & (y == 1)], bins=bins, alpha=0.6, label="machine", density=True)
axes[2].set(xlabel="scores.filler", title="document scores, target sets"); axes[2].legend()
plt.tight_layout(); plt.show()
""")
md("""
## Sentences: spliced articles

Human test articles of the news sets with machine sentences of the same story inserted (about a quarter of the
sentences; `detector/training/splice.py`, fixed seed). Exact labels per sentence. *human flagged* is the share of the
human sentences that the default threshold flags: by `filler.generic` alone, and by any filler code (generic, stock
phrase, template residue, tautology). The continuation sets (xsum-fastdetect, seqxgpt-sent: base models continuing a
human prefix) have exact labels too and are shown below as out-of-distribution.
""")
code("""
cols = ["set", "sentences", "machine", "AUROC", "machine flagged", "human flagged (generic)", "human flagged (any filler)"]
rows = lambda d: [(k, v["sentences"], v["machine"], v.get("auroc"), v.get("machine_flagged_generic"), v.get("human_flagged_generic"), v.get("human_flagged_any_filler")) for k, v in d.items()]
table(rows(ev["spliced_sentences"]), cols)
table(rows(ev["continuation_sentences_exact_labels"]), cols)
sp = tabs["spliced"]
lg = model.pipeline.decision_function(sp.design)
prob = model.sentence_model.predict_proba(sp.design)[:, 1]
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for name in dict.fromkeys(d.dataset for d in sp.docs):
    m = np.array([sp.docs[i].dataset == name for i in sp.doc]) & (sp.label >= 0)
    if len(set(sp.label[m])) == 2:
        fpr, tpr, _ = roc_curve(sp.label[m], lg[m]); axes[0].plot(fpr, tpr, label=name)
axes[0].plot([0, 1], [0, 1], "k:"); axes[0].set(xlabel="FPR", ylabel="TPR", title="sentence ROC, spliced articles"); axes[0].legend(fontsize=8)
axes[1].hist(prob[sp.label == 0], bins=bins, alpha=0.6, density=True, label="human sentences")
axes[1].hist(prob[sp.label == 1], bins=bins, alpha=0.6, density=True, label="inserted machine sentences")
axes[1].axvline(model.threshold, color="k", ls="--", label="default threshold"); axes[1].set(xlabel="sentence probability"); axes[1].legend()
plt.tight_layout(); plt.show()
""")
md("""
## Stress test: encyclopedia text in four languages (newsgpt wiki)

Not the product's domain, and the models never saw German, French or Spanish: this shows how far the scores can be
trusted outside English news (expect little).
""")
code("table(metric_rows(ev['non_english_wiki_stress']), COLS)")
md("""
## Generalisation: leave one generator out, and LLMFake <-> newsgpt

Each row retrains the whole recipe (sentence model, out-of-fold logits, document model) without the named
generator's training texts, and tests on that generator's test texts against the human test texts of its data set.
To keep this affordable on two shared CPU cores, the retrained models use 3 folds instead of 5 and at most
`MAX_TRAIN_DOCS` training documents per data set and label (the shipped model uses all).
""")
code("""
from sklearn.metrics import roc_auc_score
train_tab = F.load_tables(PROFILE, splits=("train",))["train"]
dev_spliced = F.spliced_table("dev", PROFILE)
MAX_TRAIN_DOCS = 25 if CI else 400
def capped(tab, keep):
    seen, out = {}, []
    for d, k in zip(tab.docs, keep):
        key = (d.dataset, d.label)
        ok = bool(k) and seen.get(key, 0) < MAX_TRAIN_DOCS
        seen[key] = seen.get(key, 0) + ok
        out.append(ok)
    return tab.subset_docs(np.array(out))
tgen = np.array([d.generator for d in train_tab.docs]); tset = np.array([d.dataset for d in train_tab.docs])
gens = ["gpt-3.5-turbo", "llama-2-13b", "vicuna-13b-v1.3", "palm-2"] if not CI else ["llama-2-13b"]
if not CI:
    gens += ["llama-2-7b", "vicuna-7b-v1.3", "llama-2-70b"]
rows = []
tgen_test = np.array([d.generator for d in test.docs])
for g in gens:
    t0 = time.time()
    m = F.retrain(capped(train_tab, tgen != g), dev_spliced)
    pg = FE.document_probabilities(m, test)
    for name in dict.fromkeys(ds[tgen_test == g]):
        sel = (ds == name) & ((tgen_test == g) | (y == 0))
        r = F.binary_metrics(y[sel], pg[sel])
        rows.append((f"without {g} -> {name}/{g}", r.get("n"), r.get("auroc"), r.get("tpr_at_1pct_fpr"), round(time.time() - t0)))
table(rows, ["experiment", "n", "AUROC", "TPR@1%FPR", "seconds"])
""")
code("""
rows = []
for source, target_set in (("llmfake", "newsgpt"), ("newsgpt", "llmfake")):
    m = F.retrain(capped(train_tab, tset == source), dev_spliced)
    pt = FE.document_probabilities(m, test)
    sel = ds == target_set
    r = F.binary_metrics(y[sel], pt[sel])
    rows.append((f"train {source} only -> test {target_set}", r.get("n"), r.get("auroc"), r.get("tpr_at_1pct_fpr")))
table(rows, ["experiment", "n", "AUROC", "TPR@1%FPR"])
""")
md("""
## The lm profile: what a small language model adds

`--profile lm` is the accurate profile with SmolLM2-135M's token statistics added to the filler models
(`detector/filler/lm_head.py`): per sentence and per document, the mean and spread of the token log-probability and of
the predictive entropy, the mean log-rank, and Fast-DetectGPT's sampling discrepancy computed analytically from one
model. Two small logistic-regression heads read them together with the accurate models' logits; they are fitted on the
dev split (which the accurate models never saw: the document head on dev articles, the sentence head on spliced dev
articles, whose sentence labels are exact), and the threshold and sentence gate are refitted on dev. The same numbers as JSON: `detector eval filler --profile lm`. In the CI slice only a few documents per
data set are read (the language model reads about 2.7 articles/s on two cores).
""")
code("""
from detector.filler import evaluate_lm as FL, train_lm
from detector.filler.lm_head import load as load_lm
quiet = lambda message: None
LM_LIMIT = 3 if CI else None
statistics = train_lm.cached_statistics(log=quiet)
rows = []
for prof in (["fast", "accurate", "lm"] if not CI else ["lm"]):
    e = ev if prof == PROFILE and not CI else FE.evaluate(prof, LM_LIMIT, log=quiet)
    d = e["documents"]["english_news_llmfake_newsgpt"]
    s_ = e["spliced_sentences"]["llmfake+newsgpt"]
    h = e["human_news_articles"]["human"]
    rows.append((prof, d.get("auroc"), d.get("tpr_at_1pct_fpr"), d.get("tpr_at_5pct_fpr"), s_.get("auroc"),
                 s_.get("human_flagged_any_filler"), h["generic_share_of_sentences"], h["generic_share_of_articles_flagged"]))
table(rows, ["profile", "document AUROC", "TPR@1%FPR", "TPR@5%FPR", "spliced sentence AUROC",
             "spliced human sentences flagged (any filler)", "human test sentences flagged generic", "human articles with a generic flag"])
""")
md("""
### Ablation: each token statistic on top of the accurate models

Each row fits the two heads (document head on dev articles, sentence head on spliced dev articles) with the
accurate logits and one group of token statistics (no gate), and scores
the test split: documents of LLMFake + newsgpt, and sentences of the spliced test articles. The first row is the heads
over the accurate logits alone (a re-fit of what the accurate profile already knows); the last reads the token
statistics without the accurate models.
""")
code("""
acc = FillerModel(store.load_joblib("filler/accurate.joblib"))
dev_docs = F.gate_dev_table("accurate", log=quiet)
if CI:
    dev_docs = dev_docs.subset_docs(np.isin(np.arange(len(dev_docs.docs)), [i for i, d in enumerate(dev_docs.docs) if d in FE._limited(dev_docs.docs, 4)]))
lm_tabs = FE.test_tables("accurate", LM_LIMIT, log=quiet)
lm_dev_spliced = F.spliced_table("dev", "accurate", limit=8 if CI else None)
dev_r, dev_spliced_r, test_r, spliced_r = (FL.read(acc, t, statistics) for t in (dev_docs, lm_dev_spliced, lm_tabs["test"], lm_tabs["spliced"]))
abl = FL.ablation(dev_r, dev_spliced_r, test_r, spliced_r, F.MODEL_SETS)
table([tuple(r.values()) for r in abl], list(abl[0].keys()))
""")
md("""
### Leave one generator out, with the language model

As above: the accurate models retrained without the generator (3 folds, at most `MAX_TRAIN_DOCS` training documents
per data set and label), then the heads fitted on dev without it; its test texts against the human test texts of its
data set.
""")
code("""
lm_gens = gens if not CI else []
logo = FL.leave_one_generator_out(lm_gens, train_tab, dev_docs, lm_dev_spliced, lm_tabs["test"], statistics, F.MODEL_SETS,
                                  F.retrain, capped)
if logo:
    table([tuple(r.values()) for r in logo], list(logo[0].keys()))
""")
md("## Top stock phrases (mined from the train splits; ratio = machine document rate / human document rate)")
code("""
phrases = sorted(shipped_phrases().phrases.values(), key=lambda p: -p.ratio)
meta = shipped_phrases().meta
print(meta["data"]); print("flagged on their own from ratio", meta["flag_min_ratio"], "-", meta["flag_choice"])
table([(p.phrase, p.ratio, p.machine_docs, p.human_docs, f"{p.q_value:.1e}") for p in phrases[:30]],
      ["phrase", "ratio", "machine docs", "human docs", "q (BH)"])
""")
md("## The example and a clean human story")
code("""
print(json.dumps(ev["examples"], indent=2))
from detector import Detector
det = Detector.load(profile=PROFILE, checks=["filler"])
report = det.check(open("../examples/myanmar-repatriation.md", encoding="utf-8").read(), source="myanmar-repatriation.md")
for flag in list(report.iter_flags())[:12]:
    s = report.sentences[flag.sentence]
    print(f"{s.clean[:60]!r}\\n    {flag.code} ({flag.score:.2f}) {flag.message}")
""")

nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
Path(__file__).resolve().parents[1].joinpath("notebooks", "filler.ipynb").write_text(nbf.writes(nb), encoding="utf-8")
