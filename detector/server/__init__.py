"""The HTTP API and the editors' page, served by ``detector serve``.

``create_app(detector, settings)`` builds the FastAPI application around one loaded
``Detector``; the model is shared by every request (checks run in a thread pool,
the encoder serialises its own calls). FastAPI is imported on first use, so the
command line stays quick to start.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
