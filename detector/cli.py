"""The ``detector`` command line.

``detector check`` reads like a linter: ``path:line:col: code message (score)``.
Exit status: 0 nothing flagged, 1 something flagged, 2 a usage or input error
(any input that could not be read, even if others were checked and flagged),
3 an internal error only (a bug: the message says so, ``--debug`` shows the traceback).
``--format json`` is always a list, one report per input read; ``jsonl`` one per line.
"""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path
from typing import Iterator

import click

from .encoders import PROFILES
from .errors import DetectorError
from .extract import document_format_for_suffix, looks_like_page
from .pipeline import DEFAULT_MAX_CHARS

EXIT_CLEAN, EXIT_FLAGGED, EXIT_INPUT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
_TYPE_COLOURS = {"filler": "yellow", "contradiction": "magenta", "unsupported_figure": "cyan", "against_source": "green"}


class _Main(click.Group):
    """Turns every failure into a one-line message and an exit status, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DetectorError as exc:
            click.echo(f"detector: {exc}", err=True)
            ctx.exit(EXIT_INPUT_ERROR)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("detector: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"detector: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="news-copy-detector", prog_name="detector")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Check news copy for filler, contradictions and unsupported figures."""
    ctx.ensure_object(dict)["debug"] = debug


def _split_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _expand_paths(paths: tuple[str, ...]) -> Iterator[str]:
    """Files named directly, files under directories (by suffix), glob patterns, or '-' for stdin."""
    for given in paths:
        if given == "-":
            yield given
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            yield from (str(p) for p in found)
        elif not path.exists() and glob.has_magic(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                raise click.UsageError(f"no files match {given!r}")
            yield from (m for m in matches if Path(m).is_file())
        else:
            yield given


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise DetectorError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DetectorError(f"{path}: is a directory") from None
    except OSError as exc:
        raise DetectorError(f"{path}: cannot read ({exc.strerror})") from None


def _input_format(path: str, given: str, data: bytes) -> str:
    """The format to read ``path`` as: the one given, else its suffix's, else "auto" (the content decides)."""
    if given != "auto" or path == "-":
        return given
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm"):
        # A whole saved page is checked for its article only; a fragment of copy in HTML is checked whole.
        return "html-page" if looks_like_page(data[:2_000_000].decode("utf-8", "replace")) else "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".txt", ".text"):
        return "plain"
    return document_format_for_suffix(suffix) or "auto"


_INPUT_FORMATS = ["auto", "plain", "markdown", "html", "html-page", "docx", "pdf"]


def _codes_by_name() -> dict[str, list[str]]:
    """Every flag code, and the group names and flag types (figures, unsupported_figure) that stand for their codes."""
    from .checks import GROUP_FLAG_TYPES, registered_checks

    names: dict[str, list[str]] = {}
    for check in registered_checks().values():
        for code in check.codes:
            names.setdefault(code, []).append(code)
            for alias in (check.group, GROUP_FLAG_TYPES[check.group]):
                names.setdefault(alias, []).append(code)
    return names


def _checked_ignore(value: str | None) -> list[str]:
    """The --ignore list as codes and code prefixes; an entry naming no code is refused (exit 2), as a typo
    would otherwise silently ignore nothing."""
    names = _codes_by_name()
    codes = sorted({code for listed in names.values() for code in listed})
    ignored, unknown = [], []
    for entry in _split_list(value) or []:
        if entry in names:
            ignored.extend(names[entry])
        elif any(code.startswith(entry + ".") for code in codes):
            ignored.append(entry)
        else:
            unknown.append(entry)
    if unknown:
        groups = sorted(name for name in names if name not in codes)
        raise click.UsageError(
            f"--ignore: unknown code{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known codes: {', '.join(codes)} (or a prefix, or a group: {', '.join(groups)})"
        )
    return ignored


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text: path:line:col: code message (score); json: a list with one report per input read, however "
                   "many; jsonl: one report per line.")
@click.option("--input-format", type=click.Choice(_INPUT_FORMATS), default="auto", show_default=True,
              help="How to read the input. auto: by suffix (.txt plain, .md Markdown, .html an HTML fragment or, for a "
                   "whole page, its article; .docx, .pdf their text), else by content. html-page: check only the "
                   "article of a saved web page.")
@click.option("--checks", "checks", metavar="LIST", help="Comma-separated groups or checks to run: filler, contradiction, figures (default: all).")
@click.option("--ignore", metavar="CODES", help="Comma-separated flag codes or prefixes to drop, e.g. filler.repetition; an unknown code is an error.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True, help="Report only flags scoring at least this.")
@click.option("--profile", type=click.Choice(PROFILES), default="accurate", show_default=True,
              help="Profile: accurate (MiniLM), fast (static, ~100x faster) or lm (accurate plus a small language model for filler; needs the lm extra).")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), help="Models directory (default: the shipped models).")
@click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS, show_default=True, help="Longer documents are refused (an input error).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: only on a terminal).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: for several files on a terminal).")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=32, show_default=True, help="Documents encoded together.")
@click.option("--against", "against_path", metavar="SOURCE",
              help="The source the copy was written from (a wire story, a press release; a file, or - for standard input): "
                   "flags what the copy contradicts or adds (source.*) and scores against_source.")
def check(paths, output_format, input_format, checks, ignore, min_score, profile, models_dir, max_chars, color, progress, batch_size,
          against_path) -> None:
    """Check PATHS (files, directories, globs, or - for standard input).

    Directories are searched for .txt .md .markdown .html .htm .docx .pdf files.
    An input that cannot be read (missing, binary, corrupt, encrypted) is named on
    stderr and the others are still checked.

    Exit status: 0 nothing flagged; 1 something flagged; 2 a usage error, or any
    input could not be read (even if others were flagged); 3 an internal error (a bug).
    """
    from .pipeline import Detector

    files = list(_expand_paths(paths))
    if not files:
        raise click.UsageError("no input files found")
    if against_path == "-" and "-" in files:
        raise click.UsageError("standard input can hold the copy or the --against source, not both")
    ignored = _checked_ignore(ignore)
    detector = Detector.load(profile=profile, checks=_split_list(checks), models_dir=models_dir, max_chars=max_chars)
    against = None
    if against_path is not None:
        source_data = _read_input(against_path)
        source_name = "<stdin>" if against_path == "-" else against_path
        against = detector.load_source(source_data, name=source_name, format=_input_format(against_path, "auto", source_data))
    show_progress = progress if progress is not None else (len(files) > 1 and sys.stderr.isatty())

    unreadable: dict[int, str] = {}
    by_format: dict[str, list[tuple[int, str, bytes]]] = {}
    for position, path in enumerate(files):
        try:
            data = _read_input(path)
        except DetectorError as exc:
            unreadable[position] = str(exc)
            continue
        by_format.setdefault(_input_format(path, input_format, data), []).append((position, path, data))

    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", file=sys.stderr, dynamic_ncols=True)
    results: dict[int, object] = {}
    try:
        for fmt, items in by_format.items():
            names = ["<stdin>" if path == "-" else path for _, path, _ in items]
            reports = detector.check_many((data for _, _, data in items), batch_size=batch_size, format=fmt, sources=names,
                                          source_text=against)
            for (position, _, _), report in zip(items, reports):
                results[position] = report
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()

    errors = flagged = documents = 0
    collected: list[dict] = []
    for position in range(len(files)):
        if position in unreadable:
            errors += 1
            click.echo(f"detector: {unreadable[position]}", err=True)
            continue
        report = results[position]
        if not report.ok:
            errors += 1
            click.echo(f"detector: {report.error}", err=True)
            continue
        documents += 1
        report = report.filtered(min_score=min_score, ignore=ignored)
        flagged += len(report.flags)
        if output_format == "text":
            _print_text(report, color)
        elif output_format == "jsonl":
            click.echo(report.to_json())
        else:
            collected.append(report.to_dict())
    if output_format == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    if output_format == "text":
        unread = f"; {errors} input{'s' if errors != 1 else ''} not read" if errors else ""
        click.echo(f"{flagged} flag{'s' if flagged != 1 else ''} in {documents} document{'s' if documents != 1 else ''}{unread}", err=True)
    if errors:
        sys.exit(EXIT_INPUT_ERROR)
    sys.exit(EXIT_FLAGGED if flagged else EXIT_CLEAN)


def _print_text(report, color: bool | None) -> None:
    document = report.document
    source = report.source or "<input>"
    for flag in report.iter_flags():
        sentence = document.sentences[flag.sentence]
        line, column = document.line_col(sentence.start)
        code = click.style(flag.code, fg=_TYPE_COLOURS.get(flag.type), bold=True)
        score = click.style(f"({flag.score:.2f})", dim=True)
        click.echo(f"{source}:{line}:{column}: {code} {flag.message} {score}", color=color)
    scores = ", ".join(
        f"{k}={'n/a' if v is None else f'{v:.2f}'}" for k, v in report.scores.items()
        if k != "against_source" or report.against is not None
    )
    click.echo(click.style(f"{source}: document scores: {scores}", dim=True), err=True, color=color)
    for note in report.document.notes if report.document is not None else ():
        click.echo(click.style(f"{source}: note: {note}", dim=True), err=True, color=color)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the report."""
    from importlib import resources

    click.echo(resources.files("detector").joinpath("schema/report.schema.json").read_text(encoding="utf-8"))


@main.group()
def train() -> None:
    """Rebuild the shipped models from the shared data (see models/manifest.json)."""


@train.command("fast-encoder")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), help="Models directory to write to.")
def train_fast_encoder(models_dir) -> None:
    """Distil the 'fast' profile's static encoder from the local MiniLM model (offline, ~20 s)."""
    from .artifacts import ArtifactStore
    from .encoders import build_fast_encoder, record_accurate_encoder

    store = ArtifactStore(models_dir)
    entries = build_fast_encoder(store)
    record_accurate_encoder(store)
    for name, entry in entries.items():
        click.echo(f"wrote {store.root / name} sha256={entry['sha256'][:16]}")


@main.group("eval")
def evaluate() -> None:
    """Measure the checks on held-out data; prints JSON."""


# Commands that live with their feature, registered here with one line each.
from . import evidence as _evidence  # noqa: E402
from .batch.cli import batch_command as _batch_command  # noqa: E402
from .contradiction import evaluate as _contradictions_eval  # noqa: E402
from .contradiction import train as _contradictions_train  # noqa: E402
from .editorial import eval_command as _editorial_eval  # noqa: E402
from .figures import evaluate as _figures_eval  # noqa: E402
from .figures import train as _figures_train  # noqa: E402
from .filler import evaluate as _filler_eval  # noqa: E402
from .filler import train as _filler_train  # noqa: E402
from .filler import train_repetition as _repetition  # noqa: E402
from .server import command as _server  # noqa: E402
from .source import evaluate as _source_eval  # noqa: E402
from .source import train as _source_train  # noqa: E402

main.add_command(_batch_command, "batch")
main.add_command(_server.serve_command, "serve")
train.add_command(_repetition.train_command, "repetition")
evaluate.add_command(_repetition.eval_command, "repetition")
train.add_command(_filler_train.train_command, "filler")
evaluate.add_command(_filler_eval.eval_command, "filler")
train.add_command(_figures_train.train_command, "figures")
evaluate.add_command(_figures_eval.eval_command, "figures")
train.add_command(_contradictions_train.train_command, "contradictions")
evaluate.add_command(_contradictions_eval.eval_command, "contradictions")
evaluate.add_command(_editorial_eval, "editorial")
train.add_command(_evidence.train_command(), "evidence")
train.add_command(_source_train.train_command, "source")
evaluate.add_command(_source_eval.eval_command, "source")


if __name__ == "__main__":  # pragma: no cover
    main()
