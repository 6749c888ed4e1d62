"""What every ``detector train <model>`` and ``detector eval <model>`` command shares."""

from __future__ import annotations

import json
from typing import Callable

import click

from ..artifacts import ArtifactStore

PROFILES = ("accurate", "fast")

train_profiles = click.option(
    "--profile", "profiles", type=click.Choice(PROFILES), multiple=True, help="Profiles to train (default: both)."
)
eval_profiles = click.option(
    "--profile", "profiles", type=click.Choice(PROFILES), multiple=True, help="Profiles to evaluate (default: both)."
)
models_directory = click.option(
    "--models", "models_dir", type=click.Path(file_okay=False), help="Models directory to write to."
)


def each_profile(profiles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(profiles) or PROFILES


def echo_json(value) -> None:
    click.echo(json.dumps(value, indent=2))


def train_command(train: Callable[[ArtifactStore, str], dict], help: str, profiles: tuple[str, ...] = PROFILES) -> click.Command:
    """``detector train <model>``: fit ``train(store, profile)`` for each profile and print its metrics.

    ``profiles`` are the ones it can train (default: accurate and fast, which it trains when none is named).
    """

    @click.command(help=help)
    @click.option("--profile", "profiles", type=click.Choice(profiles), multiple=True,
                  help="Profiles to train (default: accurate and fast).")
    @models_directory
    def command(profiles, models_dir) -> None:
        store = ArtifactStore(models_dir)
        for profile in each_profile(profiles):
            echo_json({"profile": profile, **train(store, profile)})

    return command
