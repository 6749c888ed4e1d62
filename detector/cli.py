"""The ``detector`` command line.

``detector check`` reads like a linter: ``path:line:col: code message (score)``.
Exit status: 0 nothing flagged, 1 something flagged, 2 a usage or input error,
3 an internal error (a bug: the message says so, ``--debug`` shows the traceback).
"""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path
from typing import Iterator

import click

from .errors import DetectorError

EXIT_CLEAN, EXIT_FLAGGED, EXIT_INPUT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
_TYPE_COLOURS = {"filler": "yellow", "contradiction": "magenta", "unsupported_figure": "cyan"}


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


def _input_format(path: str, given: str) -> str:
    if given != "auto" or path == "-":
        return given
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "auto"


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True, help="Output format.")
@click.option("--input-format", type=click.Choice(["auto", "plain", "markdown", "html"]), default="auto", show_default=True, help="How to read the input (auto: by file suffix, then by content).")
@click.option("--checks", "checks", metavar="LIST", help="Comma-separated groups or checks to run: filler, contradiction, figures (default: all).")
@click.option("--ignore", metavar="CODES", help="Comma-separated flag codes or prefixes to drop, e.g. filler.repetition.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True, help="Report only flags scoring at least this.")
@click.option("--profile", type=click.Choice(["accurate", "fast"]), default="accurate", show_default=True, help="Encoder profile: accurate (MiniLM) or fast (static, ~100x faster).")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), help="Models directory (default: the shipped models).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: only on a terminal).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: for several files on a terminal).")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=32, show_default=True, help="Documents encoded together.")
def check(paths, output_format, input_format, checks, ignore, min_score, profile, models_dir, color, progress, batch_size) -> None:
    """Check PATHS (files, directories, globs, or - for standard input)."""
    from .pipeline import Detector

    files = list(_expand_paths(paths))
    if not files:
        raise click.UsageError("no input files found")
    detector = Detector.load(profile=profile, checks=_split_list(checks), models_dir=models_dir)
    ignored = _split_list(ignore) or []
    show_progress = progress if progress is not None else (len(files) > 1 and sys.stderr.isatty())

    errors = 0

    def inputs() -> Iterator[tuple[str, bytes]]:
        nonlocal errors
        for path in files:
            try:
                yield path, _read_input(path)
            except DetectorError as exc:
                errors += 1
                click.echo(f"detector: {exc}", err=True)

    flagged = 0
    collected: list[dict] = []
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", file=sys.stderr, dynamic_ncols=True)
    try:
        by_format: dict[str, list] = {}
        for path, data in inputs():
            by_format.setdefault(_input_format(path, input_format), []).append((path, data))
        order = {path: i for i, path in enumerate(files)}
        results = []
        for fmt, items in by_format.items():
            names = ["<stdin>" if p == "-" else p for p, _ in items]
            reports = detector.check_many((d for _, d in items), batch_size=batch_size, format=fmt, sources=names)
            for (path, _), report in zip(items, reports):
                results.append((order[path], report))
                if bar is not None:
                    bar.update(1)
        results.sort(key=lambda item: item[0])
        for _, report in results:
            if not report.ok:
                errors += 1
                click.echo(f"detector: {report.error}", err=True)
                continue
            report = report.filtered(min_score=min_score, ignore=ignored)
            flagged += len(report.flags)
            if output_format == "text":
                _print_text(report, color)
            elif output_format == "jsonl":
                click.echo(report.to_json())
            else:
                collected.append(report.to_dict())
    finally:
        if bar is not None:
            bar.close()
    if output_format == "json" and (collected or not errors):
        payload = collected[0] if len(files) == 1 and len(collected) == 1 else collected
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if output_format == "text":
        documents = len(files) - errors
        click.echo(f"{flagged} flag{'s' if flagged != 1 else ''} in {documents} document{'s' if documents != 1 else ''}", err=True)
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
    scores = ", ".join(f"{k}={'n/a' if v is None else f'{v:.2f}'}" for k, v in report.scores.items())
    click.echo(click.style(f"{source}: document scores: {scores}", dim=True), err=True, color=color)


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


if __name__ == "__main__":  # pragma: no cover
    main()
