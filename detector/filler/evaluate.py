"""``detector eval filler``: the filler models on the test splits (documents, spliced sentences with exact
labels, the example article's flags); also what notebooks/filler.ipynb reads.
"""

from __future__ import annotations

import click
import numpy as np

from ..artifacts import ArtifactStore
from ..encoders import models_profile
from ..training import commands
from ..training.corpus import NEWS_SETS, TARGET_SETS, EmbeddingCache, corpus
from .model import FillerModel
from .residue import find_residue
from .train import (
    ARTIFACT,
    FILLER_PROFILES,
    MODEL_SETS,
    SentenceTable,
    _log,
    binary_metrics,
    build_table,
    cached_table,
    flagged_rows,
    spliced_table,
)

EVAL_SETS = MODEL_SETS + ("xsum-fastdetect", "seqxgpt-sent")


def _limited(docs: list, limit: int | None) -> list:
    """The first ``limit`` documents of each (data set, label), in file order: the CI slice."""
    if not limit:
        return docs
    seen: dict[tuple, int] = {}
    out = []
    for doc in docs:
        key = (doc.dataset, doc.label)
        if seen.get(key, 0) < limit:
            seen[key] = seen.get(key, 0) + 1
            out.append(doc)
    return out


def test_tables(profile: str, limit: int | None = None, store: ArtifactStore | None = None, log=_log) -> dict:
    """Sentence tables of the test split: English sets, newsgpt's non-English wiki, spliced news articles."""
    from .phrases import shipped_phrases
    from .repetition import Repetition

    store = store or ArtifactStore()
    repetition = Repetition().load(store, profile)
    cache = EmbeddingCache(profile)
    phrases = shipped_phrases()
    english = lambda: build_table(_limited(corpus("test", EVAL_SETS), limit), cache, repetition, phrases)  # noqa: E731
    wiki_docs = lambda: [d for d in corpus("test", ("newsgpt",), english_only=False) if d.domain == "wiki"]  # noqa: E731
    wiki = lambda: build_table(_limited(wiki_docs(), limit), cache, repetition, phrases)  # noqa: E731
    return {
        "test": cached_table(f"{profile}-test-eval-{limit}", english, log),
        "wiki": cached_table(f"{profile}-test-wiki-{limit}", wiki, log),
        "spliced": spliced_table("test", profile, store, limit=(limit * 2 if limit else None), sets=NEWS_SETS),
    }


def document_probabilities(model: FillerModel, table: SentenceTable) -> np.ndarray:
    return model.table_document_probabilities(table)


def has_chat_preamble(doc) -> bool:
    """A machine text that opens with a chat model's preamble ("Sure, here is ...", "Title: ...")."""
    return any(r.kind == "assistant" for s in doc.sentences[:3] for r in find_residue(s, doc.format))


def document_report(table: SentenceTable, p: np.ndarray) -> dict:
    """AUROC, F1 (at 0.5) and TPR at 1%/5% FPR: per data set, target sets, domain, generator; with and without preambles."""
    y = table.doc_labels()
    datasets = np.array([d.dataset for d in table.docs])
    domains = np.array([d.domain for d in table.docs])
    generators = np.array([d.generator for d in table.docs])
    preamble = np.array([d.label == 1 and has_chat_preamble(d) for d in table.docs])
    out: dict = {"by_dataset": {}, "by_domain": {}, "by_generator": {}}
    target = np.isin(datasets, TARGET_SETS)
    out["english_news_llmfake_newsgpt"] = binary_metrics(y[target], p[target])
    out["english_news_llmfake_newsgpt_without_preambles"] = binary_metrics(y[target & ~preamble], p[target & ~preamble])
    out["preamble_documents"] = int(preamble[target].sum())
    for name in dict.fromkeys(datasets):
        m = datasets == name
        out["by_dataset"][name] = binary_metrics(y[m], p[m])
        out["by_dataset"][name]["without_preambles"] = binary_metrics(y[m & ~preamble], p[m & ~preamble]).get("auroc")
        for domain in dict.fromkeys(domains[m]):
            d = m & (domains == domain)
            out["by_domain"][f"{name}/{domain}"] = binary_metrics(y[d], p[d])
        for generator in dict.fromkeys(generators[m & (y == 1)]):
            g = m & ((generators == generator) | (y == 0))
            out["by_generator"][f"{name}/{generator}"] = binary_metrics(y[g], p[g])
    return out


def sentence_report(model: FillerModel, table: SentenceTable) -> dict:
    """Sentence AUROC and the share of sentences flagged as the checks flag them (gated), per data set.

    ``*_over_threshold`` is the sentence model alone at its default threshold,
    without the document gate: how the check flagged before the gate.
    """
    from sklearn.metrics import roc_auc_score

    rows = flagged_rows(model, table)
    logits, generic, any_filler = rows["logits"], rows["generic"], rows["any"]
    datasets = np.array([table.docs[i].dataset for i in table.doc])
    out = {}
    groups = {"all": np.ones(len(logits), bool), "llmfake+newsgpt": np.isin(datasets, TARGET_SETS)}
    groups.update({name: datasets == name for name in dict.fromkeys(datasets)})
    for name, m in groups.items():
        labelled = m & (table.label >= 0)
        human = m & (table.label == 0)
        machine = m & (table.label == 1)
        entry = {"sentences": int(labelled.sum()), "machine": int(machine.sum())}
        if machine.any() and human.any():
            entry["auroc"] = round(float(roc_auc_score(table.label[labelled], logits[labelled])), 4)
        if machine.any():
            entry["machine_flagged_generic"] = round(float(generic[machine].mean()), 4)
            entry["machine_over_threshold"] = round(float(rows["over_threshold"][machine].mean()), 4)
        if human.any():
            entry["human_flagged_generic"] = round(float(generic[human].mean()), 4)
            entry["human_flagged_stock_phrase"] = round(float(rows["stock_phrase"][human].mean()), 4)
            entry["human_flagged_any_filler"] = round(float(any_filler[human].mean()), 4)
            entry["human_over_threshold"] = round(float(rows["over_threshold"][human].mean()), 4)
        out[name] = entry
    return out


def article_flag_report(model: FillerModel, table: SentenceTable) -> dict:
    """What the sentence-level filler codes do to whole human news articles of the test split (and machine ones, for contrast)."""
    rows = flagged_rows(model, table)
    datasets = np.array([d.dataset for d in table.docs])
    out = {}
    for name, label in (("human", 0), ("machine", 1)):
        docs = np.isin(datasets, NEWS_SETS) & (table.doc_labels() == label)
        in_docs = docs[table.doc]
        entry = {"articles": int(docs.sum()), "sentences": int(in_docs.sum())}
        for code in ("generic", "stock_phrase"):
            flagged = rows[code] & in_docs
            per_article = np.bincount(table.doc[flagged], minlength=len(table.docs))[docs]
            entry[f"{code}_share_of_sentences"] = round(float(flagged.sum() / max(in_docs.sum(), 1)), 4)
            entry[f"{code}_flags_per_article"] = round(float(per_article.mean()) if len(per_article) else 0.0, 4)
            entry[f"{code}_share_of_articles_flagged"] = round(float(np.mean(per_article > 0)) if len(per_article) else 0.0, 4)
        out[name] = entry
    return out


def example_flags(profile: str, store: ArtifactStore | None = None) -> dict:
    """Flags on the shared example and on the first clean, attributed human test story (by rule)."""
    from ..pipeline import Detector
    from ..training.corpus import REPO, clean_attributed_stories

    detector = Detector.load(profile=profile, checks=["filler"], models_dir=str(store.root) if store else None)
    example = (REPO / "examples" / "myanmar-repatriation.md").read_text(encoding="utf-8")
    out = {}
    report = detector.check(example, source="myanmar-repatriation.md")
    body = [s for s in report.sentences if s.kind in ("sentence", "list_item")]
    flagged = {f.sentence for f in report.flags}
    out["example"] = {
        "body_sentences": len(body),
        "body_sentences_flagged": sum(1 for s in body if s.index in flagged),
        "flags": len(report.flags),
        "score": report.scores["filler"],
    }
    stories = clean_attributed_stories("test")
    counts = []
    for row in stories:
        r = detector.check(row["text"], source=row["id"])
        counts.append(len({f.sentence for f in r.flags}))
    out["clean_human_stories"] = {
        "stories": len(stories),
        "first_story": stories[0]["id"] if stories else None,
        "flagged_sentences_first": counts[0] if counts else None,
        "flagged_sentences_median": float(np.median(counts)) if counts else None,
        "flagged_sentences_max": int(max(counts)) if counts else None,
    }
    return out


def load_model(profile: str, store: ArtifactStore, log=_log) -> FillerModel:
    """The shipped filler model of ``profile`` (the lm profile's reads token statistics through their cache)."""
    if profile == "lm":
        from .train_lm import load_for_evaluation

        return load_for_evaluation(store, log)
    return FillerModel(store.load_joblib(ARTIFACT.format(profile=profile)))


def evaluate(profile: str, limit: int | None = None, store: ArtifactStore | None = None, log=_log) -> dict:
    store = store or ArtifactStore()
    model = load_model(profile, store, log)
    tables = test_tables(models_profile(profile), limit, store, log)
    p_test = document_probabilities(model, tables["test"])
    p_wiki = document_probabilities(model, tables["wiki"])
    continuation = tables["test"].subset_docs(np.array([d.dataset in ("xsum-fastdetect", "seqxgpt-sent") for d in tables["test"].docs]))
    return {
        "profile": profile,
        "slice": f"first {limit} documents per data set and label" if limit else "full test split",
        "threshold": round(model.threshold, 4),
        "documents": document_report(tables["test"], p_test),
        "non_english_wiki_stress": document_report(tables["wiki"], p_wiki)["by_domain"],
        "human_news_articles": article_flag_report(model, tables["test"]),
        "spliced_sentences": sentence_report(model, tables["spliced"]),
        "continuation_sentences_exact_labels": sentence_report(model, continuation),
        "examples": example_flags(profile, store),
        "command": f"detector eval filler --profile {profile}" + (f" --limit {limit}" if limit else ""),
    }


@click.command()
@click.option("--profile", "profiles", type=click.Choice(FILLER_PROFILES), multiple=True,
              help="Profiles to evaluate (default: accurate and fast).")
@click.option("--limit", type=int, default=None, help="Only the first N documents per data set and label (a quick slice).")
def eval_command(profiles, limit) -> None:
    """Filler metrics on the test splits (documents, spliced sentences, examples) as JSON."""
    commands.echo_json({p: evaluate(p, limit) for p in commands.each_profile(profiles)})
