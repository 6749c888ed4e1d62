"""The editor-judged evaluation: would an editor act on the flags raised on real news copy?

A fixed sample of test-split news articles (``labels/editorial_sample.json``, ids
only; the text stays in ``../shared/data``) is checked with the current code, and
every flag is matched to an editor's judgement in
``labels/editorial_judgements.jsonl`` (justified / debatable / wrong, by the guide
in ``labels/README.md``). A judgement is keyed by article, the sentence's text
hash and the flag code, so it survives code changes: a later run that raises the
same code on the same sentence reuses it, and any flag no one has judged yet is
counted and reported as unjudged, never folded into precision.

``labels/editorial_articles.jsonl`` gives each article's label for the document
score ``scores.unsupported_figure``: does it carry a statistic an editor wants
sourced (a justified figure flag, or one the editor found that no flag caught)?

``detector eval editorial`` prints the metrics; ``--dump-unjudged FILE`` writes the
unjudged flags with their context for judging, and ``python -m detector.editorial
record`` turns the editor's verdicts on such a dump into judgement records.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "labels"
SAMPLE = LABELS / "editorial_sample.json"
JUDGEMENTS = LABELS / "editorial_judgements.jsonl"
ARTICLES = LABELS / "editorial_articles.jsonl"

VERDICTS = ("justified", "debatable", "wrong")
SAMPLE_SALT = "editorial-20261203"
# The English news sets whose test splits hold both human and machine copy of the same stories.
PRIMARY_FILES = ("llmfake-test.jsonl", "newsgpt-test.jsonl")
# llmfake + newsgpt hold 145 human news articles in test; BBC (XSum) articles from
# DetectRL's test split make up the rest of the human side.
TOP_UP_FILE = "xsum-detectrl-test.jsonl"
HUMAN_TOP_UP = 15
MACHINE_ARTICLES = 50
FIGURE_CODES_PREFIX = "figure."


def sentence_hash(clean_text: str) -> str:
    """12 hex digits of the SHA-1 of a sentence's clean text: the key a judgement is stored under."""
    return hashlib.sha1(clean_text.encode("utf-8")).hexdigest()[:12]


def family(code: str) -> str:
    return code.split(".", 1)[0]


# -- the sample -------------------------------------------------------------


def _data_dir() -> Path:
    env = os.environ.get("DETECTOR_DATA")
    path = Path(env) if env else REPO.parent / "shared" / "data"
    if not (path / "ai_text").is_dir():
        raise click.ClickException(f"no shared data at {path}; set DETECTOR_DATA to the folder that holds ai_text/")
    return path / "ai_text"


def _read_file(name: str) -> Iterator[dict]:
    path = _data_dir() / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


# A row labelled English whose words are almost none of the 300 commonest English
# words is not English (xsum-detectrl holds BBC Cymru articles labelled "en"):
# English news scores 0.26 or more on this share, Welsh 0.05.
_ENGLISH_SHARE = 0.15


def _reads_as_english(text: str) -> bool:
    from wordfreq import top_n_list

    common = set(top_n_list("en", 300))
    words = re.findall(r"[a-z']+", text.lower())
    return bool(words) and sum(w in common for w in words) / len(words) >= _ENGLISH_SHARE


def _english_news(row: dict) -> bool:
    return row.get("language") == "en" and row.get("domain") != "wiki" and _reads_as_english(row.get("text", ""))


def _draw_key(row_id: str) -> str:
    return hashlib.sha256(f"{SAMPLE_SALT}:{row_id}".encode()).hexdigest()


def draw_sample() -> dict:
    """Every human news article of the primary test files, a seeded top-up of BBC articles, 50 machine ones.

    Deterministic: rows are ordered by a salted hash of their id, so the draw does
    not depend on file order or on a random generator's version.
    """
    human, machine = [], []
    for name in PRIMARY_FILES:
        for row in _read_file(name):
            if _english_news(row):
                (human if row["label"] == "human" else machine).append(
                    {"id": row["id"], "file": name, "label": row["label"]}
                )
    top_up = [
        {"id": row["id"], "file": TOP_UP_FILE, "label": "human"}
        for row in _read_file(TOP_UP_FILE)
        if _english_news(row) and row["label"] == "human"
    ]
    human.sort(key=lambda a: _draw_key(a["id"]))
    top_up.sort(key=lambda a: _draw_key(a["id"]))
    machine.sort(key=lambda a: _draw_key(a["id"]))
    articles = human + top_up[:HUMAN_TOP_UP] + machine[:MACHINE_ARTICLES]
    return {
        "salt": SAMPLE_SALT,
        "how": (
            "English news rows (language en, domain not wiki, and reading as English: at least 15% of the words among "
            "the 300 commonest English words) of the test splits: every human article of "
            f"{', '.join(PRIMARY_FILES)}, the first {HUMAN_TOP_UP} human articles of {TOP_UP_FILE} and the first "
            f"{MACHINE_ARTICLES} machine articles of {', '.join(PRIMARY_FILES)}, each ordered by "
            f"sha256('{SAMPLE_SALT}:' + id)"
        ),
        "articles": articles,
    }


def load_sample(path: Path = SAMPLE) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read the sample {path}: {exc}") from None
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list) or not all(
        isinstance(a, dict) and {"id", "file", "label"} <= a.keys() for a in articles
    ):
        raise click.ClickException(
            f'cannot read the sample {path}: expected {{"articles": [{{id, file, label}}, ...]}}'
        )
    return articles


def load_texts(articles: list[dict]) -> dict[tuple[str, str], str]:
    wanted = defaultdict(set)
    for a in articles:
        wanted[a["file"]].add(a["id"])
    texts = {}
    for name, ids in wanted.items():
        for row in _read_file(name):
            if row["id"] in ids:
                texts[(name, row["id"])] = row["text"]
    missing = [a for a in articles if (a["file"], a["id"]) not in texts]
    if missing:
        raise click.ClickException(f"{len(missing)} sampled articles are not in the shared data (first: {missing[0]})")
    return texts


# -- running the detector ---------------------------------------------------


@dataclass(frozen=True)
class RaisedFlag:
    article: str
    file: str
    label: str
    sentence: int
    start: int
    sha1: str
    code: str
    score: float
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.article, self.sha1, self.code)


@dataclass
class ArticleRun:
    article: dict
    sentences: list  # detector.segment.Sentence
    flags: list[RaisedFlag]
    unsupported_figure: float | None


def run_detector(articles: list[dict], texts: dict, profile: str, models_dir: str | None = None) -> list[ArticleRun]:
    from .pipeline import Detector

    detector = Detector.load(profile=profile, models_dir=models_dir)
    ordered = [texts[(a["file"], a["id"])] for a in articles]
    runs = []
    for article, report in zip(
        articles, detector.check_many(ordered, batch_size=16, format="plain", sources=[a["id"] for a in articles])
    ):
        if not report.ok:
            raise click.ClickException(f"article {article['id']} could not be checked: {report.error}")
        sentences = report.sentences
        flags = [
            RaisedFlag(
                article=article["id"],
                file=article["file"],
                label=article["label"],
                sentence=f.sentence,
                start=sentences[f.sentence].start,
                sha1=sentence_hash(sentences[f.sentence].clean),
                code=f.code,
                score=float(f.score),
                message=f.message,
            )
            for f in report.iter_flags()
        ]
        runs.append(ArticleRun(article, sentences, flags, report.scores.get("unsupported_figure")))
    return runs


# -- judgements ---------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def index_judgements(records: Iterable[dict]) -> dict[tuple[str, str, str], dict]:
    """Judgements by (article, sentence hash, code); a later record for the same key replaces an earlier one."""
    index = {}
    for record in records:
        if record.get("verdict") not in VERDICTS:
            raise click.ClickException(f"judgement with an unknown verdict: {record}")
        index[(record["id"], record["sentence_sha1"], record["code"])] = record
    return index


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _auroc(labels: list[int], scores: list[float]) -> float | None:
    if len(set(labels)) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(labels, scores)), 4)


def _auroc_interval(labels: list[int], scores: list[float], resamples: int = 1000) -> list[float] | None:
    """A 95% percentile bootstrap interval (articles resampled, seeded): few positives make AUROC noisy."""
    if len(set(labels)) < 2:
        return None
    import numpy as np
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(20261203)
    y, s = np.asarray(labels), np.asarray(scores, dtype=float)
    values = []
    for _ in range(resamples):
        pick = rng.integers(0, len(y), len(y))
        if 0 < y[pick].sum() < len(pick):
            values.append(roc_auc_score(y[pick], s[pick]))
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 3), round(float(high), 3)]


def article_labels(runs_articles: list[dict], judgements: dict, article_records: list[dict]) -> dict[str, bool]:
    """Does each article carry a statistic an editor wants sourced?

    True when the editor's article record says so, or when any figure flag on the
    article has been judged justified (by any run of any profile).
    """
    labels = {}
    recorded = {r["id"]: bool(r.get("has_unsupported_statistic")) for r in article_records}
    justified_figure = {
        key[0]
        for key, record in judgements.items()
        if key[2].startswith(FIGURE_CODES_PREFIX) and record["verdict"] == "justified"
    }
    for article in runs_articles:
        if article["id"] in recorded or article["id"] in justified_figure:
            labels[article["id"]] = recorded.get(article["id"], False) or article["id"] in justified_figure
    return labels


def metrics(runs: list[ArticleRun], judgements: dict, article_records: list[dict]) -> dict:
    """Editor-judged precision, flag load on human copy, recall of justified flags on machine copy, score AUROC."""
    judged = Counter()
    justified = Counter()
    unjudged = Counter()
    verdicts = defaultdict(Counter)
    by_family = defaultdict(Counter)
    by_code_label = defaultdict(Counter)
    human_articles = [r for r in runs if r.article["label"] == "human"]
    machine_articles = [r for r in runs if r.article["label"] == "machine"]
    for run in runs:
        for flag in run.flags:
            record = judgements.get(flag.key)
            if record is None:
                unjudged[flag.code] += 1
                continue
            verdicts[flag.code][record["verdict"]] += 1
            for group in (flag.code, "family:" + family(flag.code)):
                judged[group] += 1
                justified[group] += record["verdict"] == "justified"
            by_family[(family(flag.code), flag.label)][record["verdict"]] += 1
            by_code_label[(flag.code, flag.label)][record["verdict"]] += 1
    per_code = {
        code: {
            "flags": sum(verdicts[code].values()) + unjudged[code],
            "judged": judged[code],
            "justified": verdicts[code]["justified"],
            "debatable": verdicts[code]["debatable"],
            "wrong": verdicts[code]["wrong"],
            "unjudged": unjudged[code],
            "precision": _ratio(justified[code], judged[code]),
            **{
                f"precision_{label}": _ratio(
                    by_code_label[(code, label)]["justified"], sum(by_code_label[(code, label)].values())
                )
                for label in ("human", "machine")
            },
        }
        for code in sorted(set(verdicts) | set(unjudged))
    }
    per_family = {}
    for fam in sorted({family(c) for c in per_code}):
        per_family[fam] = {
            "judged": judged["family:" + fam],
            "precision": _ratio(justified["family:" + fam], judged["family:" + fam]),
            "unjudged": sum(n for c, n in unjudged.items() if family(c) == fam),
            **{
                f"precision_{label}": _ratio(
                    by_family[(fam, label)]["justified"], sum(by_family[(fam, label)].values())
                )
                for label in ("human", "machine")
            },
        }

    human_flags = sum(len(r.flags) for r in human_articles)
    human_sentences = sum(len(r.sentences) for r in human_articles)
    generic_sentences = sum(len({f.sentence for f in r.flags if f.code == "filler.generic"}) for r in human_articles)

    # Recall on machine copy: of the flags ever judged justified on the sample's machine
    # articles (any profile, any earlier code), the share this run still raises.
    machine_ids = {r.article["id"] for r in machine_articles}
    wanted = {key for key, record in judgements.items() if record["verdict"] == "justified" and key[0] in machine_ids}
    raised = {f.key for r in machine_articles for f in r.flags}
    recall_by_family = {}
    for fam in sorted({family(k[2]) for k in wanted}):
        keys = {k for k in wanted if family(k[2]) == fam}
        recall_by_family[fam] = {"justified": len(keys), "recall": _ratio(len(keys & raised), len(keys))}

    labels = article_labels([r.article for r in runs], judgements, article_records)
    scored = [
        (labels[r.article["id"]], r.unsupported_figure)
        for r in runs
        if r.article["id"] in labels and r.unsupported_figure is not None
    ]
    human_scored = [
        (labels[r.article["id"]], r.unsupported_figure)
        for r in human_articles
        if r.article["id"] in labels and r.unsupported_figure is not None
    ]
    return {
        "articles": {"human": len(human_articles), "machine": len(machine_articles)},
        "flags": {
            "total": sum(len(r.flags) for r in runs),
            "judged": sum(judged[c] for c in per_code),
            "unjudged": sum(unjudged.values()),
        },
        "per_code": per_code,
        "per_family": per_family,
        "human": {
            "flags_per_article": _ratio(human_flags, len(human_articles)),
            "articles_with_any_flag": _ratio(sum(bool(r.flags) for r in human_articles), len(human_articles)),
            "sentences": human_sentences,
            "filler_generic_sentence_share": _ratio(generic_sentences, human_sentences),
        },
        "machine_recall_of_justified": {
            "justified": len(wanted),
            "still_raised": len(wanted & raised),
            "recall": _ratio(len(wanted & raised), len(wanted)),
            "by_family": recall_by_family,
        },
        "unsupported_figure_score": {
            "labelled_articles": len(scored),
            "with_unsupported_statistic": sum(label for label, _ in scored),
            "auroc": _auroc([int(l) for l, _ in scored], [s for _, s in scored]),
            "auroc_95ci": _auroc_interval([int(l) for l, _ in scored], [s for _, s in scored]),
            "auroc_human_only": _auroc([int(l) for l, _ in human_scored], [s for _, s in human_scored]),
        },
    }


def format_table(profile: str, result: dict) -> str:
    lines = [
        f"editorial evaluation, profile {profile}: {result['articles']['human']} human + {result['articles']['machine']} machine articles"
    ]
    lines.append(
        f"{'code':28} {'flags':>6} {'judged':>6} {'just':>5} {'deb':>5} {'wrong':>5} {'unjdg':>5} {'prec':>6} {'human':>6} {'machine':>7}"
    )

    def show(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    for code, row in result["per_code"].items():
        lines.append(
            f"{code:28} {row['flags']:6d} {row['judged']:6d} {row['justified']:5d} {row['debatable']:5d} {row['wrong']:5d} "
            f"{row['unjudged']:5d} {show(row['precision']):>6} {show(row['precision_human']):>6} {show(row['precision_machine']):>7}"
        )
    for fam, row in result["per_family"].items():
        prec = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        lines.append(
            f"family {fam:21} judged {row['judged']:4d}  precision {prec} (human {row['precision_human']}, machine {row['precision_machine']})"
        )
    h = result["human"]
    lines.append(
        f"human copy: {h['flags_per_article']} flags per article, {h['articles_with_any_flag']} of articles flagged, "
        f"filler.generic on {h['filler_generic_sentence_share']} of {h['sentences']} sentences"
    )
    m = result["machine_recall_of_justified"]
    lines.append(
        f"machine copy: {m['still_raised']} of {m['justified']} justified flags still raised (recall {m['recall']})"
    )
    s = result["unsupported_figure_score"]
    lines.append(
        f"scores.unsupported_figure: AUROC {s['auroc']} (95% CI {s['auroc_95ci']}) on {s['labelled_articles']} articles "
        f"({s['with_unsupported_statistic']} with an unsupported statistic; human only {s['auroc_human_only']})"
    )
    lines.append(f"unjudged flags: {result['flags']['unjudged']} of {result['flags']['total']} (left out of precision)")
    return "\n".join(lines)


# -- dumping unjudged flags for the editor ----------------------------------


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Sentences shown around a flag: a figure's source may sit a paragraph earlier; filler is read mostly alone.
_CONTEXT_BEFORE = {"figure": 3, "filler": 1, "contradiction": 1}


def dump_flags(
    runs_by_profile: dict[str, list[ArticleRun]], judgements: dict, out: Path, verdicts: tuple[str, ...] = ()
) -> int:
    """Write flags, once over all profiles, with the sentences around them.

    With no ``verdicts``: the unjudged flags, for judging. With verdicts (e.g.
    wrong, debatable): the flags judged so, each with the editor's verdict and
    reason, to show what a change still gets wrong. Flags are grouped by code
    (then article) so that like sits beside like. A sidecar ``<out>.keys.jsonl``
    maps each flag's number to its judgement key.
    """
    out = Path(out)
    chosen = {}
    for profile, runs in runs_by_profile.items():
        for run in runs:
            for flag in run.flags:
                record = judgements.get(flag.key)
                wanted = record is None if not verdicts else record is not None and record["verdict"] in verdicts
                if not wanted:
                    continue
                if flag.key in chosen:
                    if profile not in chosen[flag.key][2]:
                        chosen[flag.key][2].append(profile)
                else:
                    chosen[flag.key] = (run, flag, [profile])
    blocks, keys = [], []
    order = sorted(chosen.values(), key=lambda item: (item[1].code, item[1].label, item[1].article, item[1].sentence))
    for number, (run, flag, profiles) in enumerate(order):
        s, i = run.sentences, flag.sentence
        context = []
        for j in range(max(0, i - _CONTEXT_BEFORE.get(family(flag.code), 1)), min(len(s), i + 2)):
            mark = ">>" if j == i else "  "
            context.append(f"{mark} [{j}] {_clip(s[j].text, 500 if j == i else 220)}")
        record = judgements.get(flag.key)
        verdict = f"\n   editor: {record['verdict']}: {record.get('reason', '')}" if record else ""
        blocks.append(
            f"#{number} {flag.label} {flag.article} s{i}/{len(s)} {','.join(profiles)} {flag.code} ({flag.score:.2f}): {flag.message}"
            + verdict
            + "\n"
            + "\n".join(context)
        )
        keys.append(
            {
                "n": number,
                "id": flag.article,
                "file": flag.file,
                "label": flag.label,
                "start": flag.start,
                "sentence_sha1": flag.sha1,
                "code": flag.code,
                "profile": ",".join(profiles),
            }
        )
    out.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    Path(str(out) + ".keys.jsonl").write_text("".join(json.dumps(k) + "\n" for k in keys), encoding="utf-8")
    return len(keys)


def dump_unjudged(runs_by_profile: dict[str, list[ArticleRun]], judgements: dict, out: Path) -> int:
    """The unjudged flags with their context, for the editor (see ``dump_flags``)."""
    return dump_flags(runs_by_profile, judgements, out)


def git_short_sha() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


_VERDICT_LETTERS = {"j": "justified", "d": "debatable", "w": "wrong"}


def parse_verdicts(lines: Iterable[str]) -> dict[int, tuple[str, str]]:
    """Lines ``N v reason`` (v: j, d or w); blank lines and ``#`` comments skipped."""
    verdicts = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        number, letter, *reason = line.split(None, 2)
        if letter not in _VERDICT_LETTERS:
            raise ValueError(f"bad verdict {letter!r} in line: {line}")
        verdicts[int(number)] = (_VERDICT_LETTERS[letter], reason[0] if reason else "")
    return verdicts


def record_verdicts(keys_path: Path, verdicts_path: Path, out: Path = JUDGEMENTS, judged_on: str | None = None) -> int:
    keys = {k["n"]: k for k in read_jsonl(keys_path)}
    verdicts = parse_verdicts(Path(verdicts_path).read_text(encoding="utf-8").splitlines())
    unknown = set(verdicts) - set(keys)
    if unknown:
        raise ValueError(f"verdicts for flags not in the dump: {sorted(unknown)[:5]}")
    judged_on = judged_on or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    sha = git_short_sha()
    with open(out, "a", encoding="utf-8") as handle:
        for number in sorted(verdicts):
            key = keys[number]
            verdict, reason = verdicts[number]
            handle.write(
                json.dumps(
                    {
                        "id": key["id"],
                        "file": key["file"],
                        "label": key["label"],
                        "start": key["start"],
                        "sentence_sha1": key["sentence_sha1"],
                        "code": key["code"],
                        "verdict": verdict,
                        "reason": reason,
                        "judged_on": judged_on,
                        "judged_against": sha,
                        "profile_seen": key["profile"],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return len(verdicts)


# -- command line -------------------------------------------------------------


@click.command(help="Editor-judged precision of the flags on a fixed sample of test-split news (labels/editorial_*).")
@click.option(
    "--profile",
    "profiles",
    type=click.Choice(["accurate", "fast"]),
    multiple=True,
    help="Profiles to evaluate (default: both).",
)
@click.option(
    "--sample",
    "sample_path",
    type=click.Path(dir_okay=False),
    default=str(SAMPLE),
    show_default=True,
    help="The article sample (ids).",
)
@click.option(
    "--judgements",
    "judgements_path",
    type=click.Path(dir_okay=False),
    default=str(JUDGEMENTS),
    show_default=True,
    help="The editor's judgements.",
)
@click.option(
    "--dump-unjudged",
    "dump_path",
    type=click.Path(dir_okay=False),
    help="Write the unjudged flags of every profile run, once each, with context to this file (+ FILE.keys.jsonl).",
)
@click.option(
    "--dump-judged",
    "dump_judged",
    type=(click.Choice(VERDICTS + ("debatable,wrong",)), click.Path(dir_okay=False)),
    default=None,
    metavar="VERDICT FILE",
    help="Write the raised flags judged VERDICT (justified, debatable, wrong, or debatable,wrong) with the editor's reasons to FILE.",
)
@click.option(
    "--models", "models_dir", type=click.Path(file_okay=False), help="Models directory (default: the shipped models)."
)
def eval_command(profiles, sample_path, judgements_path, dump_path, dump_judged, models_dir) -> None:
    profiles = tuple(profiles) or ("accurate", "fast")
    articles = load_sample(Path(sample_path))
    texts = load_texts(articles)
    judgements = index_judgements(read_jsonl(Path(judgements_path)))
    article_records = read_jsonl(ARTICLES)
    results, tables, runs_by_profile = {}, [], {}
    for profile in profiles:
        runs_by_profile[profile] = runs = run_detector(articles, texts, profile, models_dir)
        results[profile] = metrics(runs, judgements, article_records)
        tables.append(format_table(profile, results[profile]))
    if dump_path:
        results["dumped_unjudged"] = {
            "file": dump_path,
            "flags": dump_unjudged(runs_by_profile, judgements, Path(dump_path)),
        }
    if dump_judged:
        wanted, target = dump_judged
        results["dumped_judged"] = {
            "verdicts": wanted,
            "file": target,
            "flags": dump_flags(runs_by_profile, judgements, Path(target), tuple(wanted.split(","))),
        }
    click.echo(json.dumps(results, indent=2))
    click.echo("\n\n".join(tables))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detector.editorial")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("sample", help="redraw labels/editorial_sample.json")
    rec = sub.add_parser("record", help="append the verdicts on a dump to labels/editorial_judgements.jsonl")
    rec.add_argument("dump", type=Path, help="the file written by --dump-unjudged (its .keys.jsonl is read)")
    rec.add_argument("verdicts", type=Path, help="lines 'N v reason', v one of j d w")
    args = parser.parse_args(argv)
    if args.command == "sample":
        sample = draw_sample()
        SAMPLE.write_text(json.dumps(sample, indent=1) + "\n", encoding="utf-8")
        print(f"{len(sample['articles'])} articles written to {SAMPLE}", file=sys.stderr)
    else:
        n = record_verdicts(Path(str(args.dump) + ".keys.jsonl"), args.verdicts)
        print(f"{n} judgements appended to {JUDGEMENTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
