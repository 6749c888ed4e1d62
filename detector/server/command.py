"""``detector serve``: the HTTP API and the editors' page on one port.

Kept free of web imports so that ``detector --help`` stays fast; FastAPI and
uvicorn are imported when the command runs.
"""

from __future__ import annotations

import click

from ..encoders import DEFAULT_PROFILE, PROFILES
from ..pipeline import DEFAULT_MAX_CHARS

WORKER_HEALTHCHECK_S = 60


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--profile", type=click.Choice(PROFILES), default=DEFAULT_PROFILE, show_default=True, help="Encoder profile.")
@click.option("--checks", "checks", metavar="LIST", help="Comma-separated groups or checks to load (default: all).")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), help="Models directory (default: the shipped models).")
@click.option("--max-body-bytes", type=click.IntRange(1), default=2 * 1024 * 1024, show_default=True, help="Largest request body accepted (413 above).")
@click.option("--max-batch", type=click.IntRange(1), default=64, show_default=True, help="Most documents in one /v1/check-batch request.")
@click.option("--max-chars", type=click.IntRange(1), default=DEFAULT_MAX_CHARS, show_default=True, help="Longest document, in characters.")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Checks running at once.")
@click.option("--encoder-cache", type=click.IntRange(0), default=None, help="Sentence vectors kept for reuse (default: the encoder's own; 0 turns it off).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (uvicorn's process manager), each with its own model; one per core uses every core.",
)
def serve_command(host, port, profile, checks, models_dir, max_body_bytes, max_batch, max_chars, threads, encoder_cache, access_log, workers) -> None:
    """Serve the HTTP API (/v1/check, /v1/check-batch, /docs) and the editors' page at /."""
    selected = [c.strip() for c in checks.split(",") if c.strip()] if checks else None
    if workers > 1:
        # The supervisor itself loads no model: each worker loads its own.
        _serve_workers(
            host, port, access_log, workers,
            profile=profile, checks=selected, models_dir=models_dir, max_chars=max_chars, encoder_cache=encoder_cache,
            max_body_bytes=max_body_bytes, max_batch_documents=max_batch, max_concurrent_checks=threads,
        )
        return

    import uvicorn

    from ..pipeline import Detector
    from .app import ServerSettings, create_app

    # Load before listening: a missing model fails here, not on the first request.
    detector = Detector.load(profile=profile, checks=selected, models_dir=models_dir, max_chars=max_chars)
    if encoder_cache is not None:
        detector.encoder.cache_size = encoder_cache
    settings = ServerSettings(max_body_bytes=max_body_bytes, max_batch_documents=max_batch, max_concurrent_checks=threads)
    app = create_app(detector, settings)
    click.echo(
        f"detector: serving profile {detector.profile} with checks {', '.join(c.name for c in detector.checks) or 'none'} "
        f"on http://{host}:{port}/ (API docs at /docs)",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info", server_header=False)



def _serve_workers(host: str, port: int, access_log: bool, workers: int, **options) -> None:
    """``workers`` processes under uvicorn's supervisor; each builds its app from the environment."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    import uvicorn

    from .workers import CONFIG_ENV, FAILURE_FILE, ServeConfig

    # Heartbeats of this server's workers (see detector/server/workers.py); gone when it stops.
    worker_dir = tempfile.mkdtemp(prefix="detector-serve-")
    config = ServeConfig(
        **options, workers=workers, worker_dir=worker_dir, threads_per_worker=max(1, (os.cpu_count() or 1) // workers)
    )
    os.environ[CONFIG_ENV] = config.to_env()  # spawned workers inherit it
    click.echo(
        f"detector: serving profile {config.profile} with {workers} worker processes on http://{host}:{port}/ "
        f"(API docs at /docs); each loads the model",
        err=True,
    )
    try:
        uvicorn.run(
            "detector.server.workers:create_app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            access_log=access_log,
            log_level="info",
            server_header=False,
            # The supervisor pings each worker; loading a model can hold the GIL for
            # seconds on a busy machine, and a worker must not be killed for that.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        )
        failure = Path(worker_dir) / FAILURE_FILE
        if failure.exists():
            raise click.ClickException(f"the workers could not start: {failure.read_text(encoding='utf-8')}")
    finally:
        shutil.rmtree(worker_dir, ignore_errors=True)
