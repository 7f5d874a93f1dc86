"""Atomic, verifiable checkpoints: one directory per iteration, never pickle.

A checkpoint is written into a temporary directory, each file fsynced, a MANIFEST.json
with every file's SHA-256 written last, and the directory renamed into place.  A
directory without a manifest (an interrupted write) is not a checkpoint; one whose files
do not match their hashes is refused with a message saying which file is damaged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from induct.errors import InductError

__all__ = ["CheckpointError", "Checkpoint", "write_checkpoint", "read_checkpoint", "latest_checkpoint",
           "checkpoint_dir", "atomic_write"]

FORMAT_VERSION = 1


class CheckpointError(InductError):
    """A checkpoint that is missing, truncated or corrupted."""


@dataclass(frozen=True)
class Checkpoint:
    """The files of one iteration's checkpoint, as bytes, by name."""

    iteration: int
    files: dict[str, bytes]

    def text(self, name: str) -> str:
        try:
            return self.files[name].decode("utf-8")
        except KeyError:
            raise CheckpointError(f"checkpoint of iteration {self.iteration} has no {name}") from None
        except UnicodeDecodeError as e:
            raise CheckpointError(f"checkpoint of iteration {self.iteration}: {name} is not UTF-8 text "
                                  f"(byte {e.start})") from None

    def json(self, name: str):
        try:
            return json.loads(self.text(name))
        except RecursionError:
            raise CheckpointError(f"checkpoint of iteration {self.iteration}: {name} is nested too deeply") from None
        except ValueError as e:  # not JSON, or an integer with too many digits
            raise CheckpointError(f"checkpoint of iteration {self.iteration}: {name} is not valid JSON ({e})") from None


def checkpoint_dir(run_dir: Path, iteration: int) -> Path:
    return Path(run_dir) / "checkpoints" / f"iteration_{iteration:04d}"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the new, never a mix."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def write_checkpoint(run_dir: Path, iteration: int, files: dict[str, bytes | str]) -> Path:
    """Write ``files`` as the checkpoint of ``iteration`` atomically; returns its directory."""
    final = checkpoint_dir(run_dir, iteration)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(final.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    listed: dict[str, dict[str, object]] = {}
    manifest = {"format": FORMAT_VERSION, "iteration": iteration, "files": listed}
    for name, data in files.items():
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(tmp / name, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        listed[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    with open(tmp / "MANIFEST.json", "w") as f:
        json.dump(manifest, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    _fsync_dir(tmp)
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    _fsync_dir(final.parent)
    return final


def read_checkpoint(path: Path) -> Checkpoint:
    """Read and verify a checkpoint directory.

    Raises:
        CheckpointError: naming the damaged or missing file.
    """
    path = Path(path)
    manifest_path = path / "MANIFEST.json"
    if not manifest_path.exists():
        raise CheckpointError(f"{path} is not a complete checkpoint (no MANIFEST.json): it was "
                              "interrupted while being written; delete it to resume from the one before")
    try:
        manifest = json.loads(manifest_path.read_text())
        entries = manifest["files"]
        iteration = int(manifest["iteration"])
    except (ValueError, KeyError, TypeError):
        raise CheckpointError(f"{manifest_path} is damaged (not a valid manifest); delete {path} "
                              "to resume from the checkpoint before it") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {manifest.get('format')} is not supported "
                              f"(this induct reads format {FORMAT_VERSION})")
    files: dict[str, bytes] = {}
    for name, info in entries.items():
        f = path / name
        if not f.exists():
            raise CheckpointError(f"checkpoint {path} is missing {name}; delete {path} to resume from the one before")
        data = f.read_bytes()
        if len(data) != info.get("bytes") or hashlib.sha256(data).hexdigest() != info.get("sha256"):
            what = "truncated" if len(data) < info.get("bytes", 0) else "corrupted"
            raise CheckpointError(f"checkpoint file {f} is {what} (its checksum does not match the manifest); "
                                  f"refusing to load it — delete {path} to resume from the checkpoint before it")
        files[name] = data
    return Checkpoint(iteration, files)


def latest_checkpoint(run_dir: Path) -> Path | None:
    """The directory of the highest-numbered complete checkpoint (manifest present), or None."""
    root = Path(run_dir) / "checkpoints"
    if not root.exists():
        return None
    done = sorted(p for p in root.iterdir()
                  if p.is_dir() and p.name.startswith("iteration_") and not p.name.endswith(".partial")
                  and (p / "MANIFEST.json").exists())
    return done[-1] if done else None
