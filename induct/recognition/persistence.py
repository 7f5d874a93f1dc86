"""Saving and loading a recognition model: msgpack parameters plus a JSON header, no pickle.

The file is one msgpack map ``{"format", "version", "header", "params"}``: ``header`` is
JSON text (the library's production names and arities, the featurizer and its options,
the architecture), ``params`` the parameters as flax's msgpack state dict.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jax
import msgpack
from flax import serialization

from induct.dsl import Library
from induct.recognition.features import featurizer_from_json, featurizer_to_json
from induct.recognition.model import (
    RecognitionConfig, RecognitionError, RecognitionModel, grow_params, init_params,
)
from induct.recognition.targets import ContextLayout

__all__ = ["save", "load", "read_header", "FORMAT", "VERSION"]

FORMAT = "induct-recognition"
VERSION = 1


def save(model: RecognitionModel, path: str | Path) -> Path:
    """Write ``model`` to ``path`` atomically (a temporary file renamed into place)."""
    path = Path(path)
    layout = model.layout
    header = {
        "productions": list(layout.names),
        "arities": list(layout.arities),
        "featurizer": featurizer_to_json(model.featurizer),
        "architecture": model.config.architecture(),
    }
    state = serialization.to_state_dict(jax.device_get(model.params))
    blob = msgpack.packb({"format": FORMAT, "version": VERSION, "header": json.dumps(header),
                          "params": serialization.msgpack_serialize(state)}, use_bin_type=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)
    return path


def read_header(path: str | Path) -> dict[str, Any]:
    """The JSON header of a saved model."""
    return _header(_read(path), path)


def _header(data: dict[str, Any], source: Any) -> dict[str, Any]:
    try:
        header = json.loads(data["header"])
        if not isinstance(header, dict):
            raise ValueError("not an object")
        return header
    except (KeyError, TypeError, ValueError) as e:
        raise RecognitionError(f"{source}: the model's header is damaged ({e})") from None


def _read(path: str | Path, source: Any = None) -> dict[str, Any]:
    source = path if source is None else source
    try:
        data = msgpack.unpackb(Path(path).read_bytes(), raw=False)
    except OSError as e:
        raise RecognitionError(f"cannot read recognition model {source}: {e.strerror}") from None
    except (msgpack.UnpackException, ValueError) as e:
        raise RecognitionError(f"{source} is not a recognition model file ({e})") from None
    path = source
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RecognitionError(f"{path} is not a recognition model file (no {FORMAT!r} marker)")
    if data.get("version") != VERSION:
        raise RecognitionError(f"{path}: format version {data.get('version')} is not supported "
                               f"(this induct reads version {VERSION})")
    return data


def load(path: str | Path, library: Library, config: RecognitionConfig | None = None, *,
         source: str | Path | None = None) -> RecognitionModel:
    """Read a model saved by :func:`save`, for ``library``.

    ``library`` must hold every production the model was trained with (with the same
    arity); productions it adds (inventions) get fresh head rows and columns, as
    :func:`~induct.recognition.grow` does.  Training options come from ``config``
    (default: the defaults), the architecture always from the file.

    ``source`` is the name messages give the file (default ``path``): the real place of
    bytes that were copied to a temporary file.

    Raises:
        RecognitionError: unreadable file, or a library that lacks the model's productions.
    """
    data = _read(path, source)
    path = path if source is None else source
    header = _header(data, path)
    try:
        featurizer = featurizer_from_json(header["featurizer"])
        arch = dict(header["architecture"])
        arch.setdefault("prior_offset", False)  # files written before the option existed
        arch.setdefault("grid_pool", 1)  # likewise
        config = (config or RecognitionConfig()).replace(**arch)
        names = list(header["productions"])
        arities = tuple(header["arities"])
    except (KeyError, TypeError, ValueError) as e:
        raise RecognitionError(f"{path}: the model's header is damaged ({type(e).__name__}: {e})") from None
    missing = [n for n in names if n not in library]
    if missing:
        raise RecognitionError(f"{path} was trained with production(s) {', '.join(missing[:10])} that this "
                               "library lacks; load it with the library it was trained on (or a grown one)")
    saved_layout = ContextLayout(tuple(names), arities, config.head)
    template = init_params(jax.random.key(0), saved_layout, featurizer, config)
    state = serialization.msgpack_restore(data["params"])
    try:
        params = serialization.from_state_dict(template, state)
    except (ValueError, KeyError) as e:
        raise RecognitionError(f"{path}: parameters do not fit the architecture in its header ({e})") from None
    _check_shapes(template, params, path)
    layout = ContextLayout.of(library, config.head)
    if layout != saved_layout:
        params = grow_params(params, saved_layout, layout)
    return RecognitionModel(library, featurizer, config, jax.tree_util.tree_map(jax.numpy.asarray, params))


def _check_shapes(template: Any, params: Any, path: Any) -> None:
    a = jax.tree_util.tree_map(lambda x: tuple(x.shape), template)
    b = jax.tree_util.tree_map(lambda x: tuple(x.shape), params)
    if a != b:
        raise RecognitionError(f"{path}: parameter shapes do not match the architecture in its header")
