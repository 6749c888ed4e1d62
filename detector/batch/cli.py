"""``detector batch``: one report per record of a JSONL, CSV or Parquet file."""

from __future__ import annotations

import json
import sys

import click

from ..encoders import PROFILES
from .runner import DEFAULT_CHUNK_SIZE
from .work import DEFAULT_BATCH_MAX_CHARS


@click.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("--out", "output", required=True, metavar="OUTPUT", type=click.Path(dir_okay=False),
              help="Output file, one entry per record, of the type its name ends in: .jsonl, .csv or .parquet.")
@click.option("--input-type", type=click.Choice(["auto", "jsonl", "csv", "parquet"]), default="auto", show_default=True,
              help="Record file type (auto: by suffix; .gz JSONL and CSV are read too).")
@click.option("--id-field", default="id", show_default=True, help="Field (JSONL) or column (CSV, Parquet) holding the record id.")
@click.option("--text-field", default="text", show_default=True, help="Field or column holding the text to check.")
@click.option("--input-format", "text_format", type=click.Choice(["auto", "plain", "markdown", "html", "html-page"]),
              default="auto", show_default=True,
              help="How to read each text (auto: by content; html-page: only the article of a whole web page).")
@click.option("--checks", "checks", metavar="LIST", help="Comma-separated groups or checks to run (default: all).")
@click.option("--profile", type=click.Choice(PROFILES), default="accurate", show_default=True,
              help="Profile: accurate (MiniLM), fast (static, ~100x faster) or lm (accurate plus a small language model for filler; needs the lm extra).")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), help="Models directory (default: the shipped models).")
@click.option("--workers", type=click.IntRange(1, 512), default=1, show_default=True,
              help="Processes on this machine, each loading the model once.")
@click.option("--dask", "dask_address", metavar="ADDRESS", help="Run the chunks on a Dask cluster, e.g. tcp://scheduler:8786.")
@click.option("--chunk-size", type=click.IntRange(1, 1_000_000), default=DEFAULT_CHUNK_SIZE, show_default=True,
              help="Records per chunk: the unit of work, of atomic writing and of redoing after a crash.")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=32, show_default=True, help="Documents encoded together.")
@click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_BATCH_MAX_CHARS, show_default=True,
              help="Longer texts get an error entry instead of a report.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run: records already written are skipped.")
@click.option("--overwrite", is_flag=True, help="Replace OUTPUT and any unfinished run of it.")
@click.option("--progress/--no-progress", default=None, help="Progress bar with documents/s on stderr (default: on a terminal).")
@click.option("--stats", "stats_path", type=click.Path(dir_okay=False), help="Also write the run's figures (JSON) to this file.")
@click.option("--against", "against_path", metavar="SOURCE",
              help="The source every record was written from (a file, or - for standard input): each is checked "
                   "against it, as by 'detector check --against' (source.* flags, scores.against_source).")
def batch_command(input_path, output, input_type, id_field, text_field, text_format, checks, profile, models_dir, workers,
                  dask_address, chunk_size, batch_size, max_chars, resume, overwrite, progress, stats_path,
                  against_path) -> None:
    """Check every record of INPUT (JSONL, CSV or Parquet) and write one entry per record to OUTPUT.

    OUTPUT's suffix names its type: .jsonl (one report per line), .csv (columns id,
    record, error, score_*, flags, and the report as JSON) or .parquet (the same
    columns); any other name is refused.

    Each entry is the record's report (detector.report/1) with its "id" and
    "record" number (JSONL line, CSV or Parquet row) in front; a record that
    cannot be checked gets an entry whose "error" says why, and the run goes on.
    A repeated id gets an error entry naming the record it repeats.
    Work is committed chunk by chunk in OUTPUT.parts/; after a crash or kill,
    run the same command with --resume. OUTPUT appears only when complete.
    With --against SOURCE every record is checked against that one source.
    Exit status 0 when every record has an entry, error entries included;
    2 when the source cannot be read.
    """
    from .runner import run_batch
    from .store import output_type_for
    from .work import JobSpec

    output_type_for(output)  # refuse a name that says no type before any work starts

    check_names = tuple(c.strip() for c in checks.split(",") if c.strip()) if checks else None
    source = source_name = None
    source_format = "auto"
    if against_path is not None:
        from ..cli import _input_format, _read_input

        source = _read_input(against_path)  # DetectorError: a one-line message and exit 2
        source_name = "<stdin>" if against_path == "-" else against_path
        source_format = _input_format(against_path, "auto", source)
    job = JobSpec(profile=profile, checks=check_names, models_dir=models_dir, max_chars=max_chars,
                  text_format=text_format, batch_size=batch_size, source=source, source_name=source_name,
                  source_format=source_format)
    show_progress = progress if progress is not None else sys.stderr.isatty()
    try:
        stats = run_batch(input_path, output, job=job, input_type=input_type, id_field=id_field, text_field=text_field,
                          workers=workers, dask=dask_address, chunk_size=chunk_size, resume=resume,
                          overwrite=overwrite, progress=show_progress)
    except KeyboardInterrupt:
        click.echo("detector: interrupted; the chunks written so far are kept: run the same command with --resume "
                   "to continue", err=True)
        sys.exit(130)
    if stats_path:
        with open(stats_path, "w", encoding="utf-8") as handle:
            json.dump(stats.to_dict(), handle, indent=2)
    if stats.already_complete:
        click.echo(f"detector: {output} is complete; nothing to do", err=True)
        return
    memory = ", ".join(f"{v / 2**20:.0f} MiB" for _, v in sorted(stats.worker_peak_rss.items()))
    skipped = f"; {stats.skipped:,} already written" if stats.skipped else ""
    click.echo(
        f"detector: {stats.checked:,} entries ({stats.errors:,} errors, {stats.duplicates:,} duplicate ids){skipped} "
        f"-> {output} in {stats.seconds:.1f} s, {stats.documents_per_second:.1f} documents/s on {stats.engine}; "
        f"peak memory per worker: {memory or 'n/a'}",
        err=True,
    )
