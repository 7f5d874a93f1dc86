"""The phases of one wake-sleep iteration, each a thin call into its sub-package."""

from __future__ import annotations

import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from induct.dsl import Library
from induct.errors import InductError
from induct.grammar import Grammar, PriorError, eta_long, fit_grammar
from induct.search.frontier import Frontier, FrontierEntry
from induct.tasks import Task

log = logging.getLogger("induct.train")

__all__ = ["initial_library", "wake", "abstraction", "refit_weights", "dream", "model_files",
           "model_from_files", "has_model_files"]


def initial_library(library: Library, config) -> Library:
    return library


def _requests(tasks: list[Task]) -> dict[str, Any]:
    return {t.name: t.request_type for t in tasks}


def abstraction(library: Library, frontiers: dict[str, Frontier], tasks: list[Task], config,
                iteration: int) -> tuple[Library, dict[str, Frontier], list[dict]]:
    """Compress the frontiers into new inventions; rewrite (η-long) and rescore the frontiers."""
    from induct.compression import CompressionConfig, compress_frontiers

    cc = CompressionConfig(iterations=config.compression_iterations, max_arity=config.arity,
                           structure_penalty=config.size_penalty, aic=config.structure_penalty,
                           pseudocounts=config.pseudocounts, top_k=config.top_k,
                           name_prefix=f"f{iteration}_")
    weighted = {name: list(zip([e.program for e in f.entries], f.posterior_weights()))
                for name, f in frontiers.items() if f.entries}
    requests = {name: f.request_type for name, f in frontiers.items()}
    new_library, rewritten, inventions = compress_frontiers(weighted, library, cc, requests)
    if new_library is None or not inventions:
        return library, frontiers, []
    grammar = Grammar.from_library(new_library)
    out: dict[str, Frontier] = {}
    for name, f in frontiers.items():
        entries = []
        likelihoods = {e.program: e.log_likelihood for e in f.entries}
        originals = [e.program for e in f.entries]
        programs = [p for p, _ in rewritten.get(name, [])]
        # Entries beyond top_k were not rewritten; keep them as they were.
        kept_originals = sorted(f.entries, key=lambda e: -e.log_posterior)[:config.top_k]
        pairs = list(zip(programs, [e.log_likelihood for e in kept_originals]))
        pairs += [(e.program, e.log_likelihood) for e in f.entries if e not in kept_originals]
        for program, ll in pairs:
            try:
                program = eta_long(program, f.request_type, new_library)
                lp = grammar.log_prior(program, f.request_type)
            except (PriorError, InductError) as err:
                log.warning("dropping a rewritten program of %s: %s", name, err)
                continue
            entries.append(FrontierEntry(program, lp, ll))
        out[name] = Frontier(name, f.request_type, tuple(entries), f.stats) if entries else f
    rows = [{"name": inv.name, "type": str(inv.type) if inv.type is not None else None,
             "arity": inv.arity, "uses": inv.uses, "gain": inv.gain} for inv in inventions]
    return new_library, out, rows


def refit_weights(library: Library, frontiers: dict[str, Frontier], tasks: list[Task], config) -> Library:
    """Re-estimate the unigram weights of the library from the frontiers (pseudocounts)."""
    base = Grammar.uniform(library)
    summaries = []
    for f in frontiers.values():
        for e, w in zip(f.entries, f.posterior_weights()):
            if w <= 0:
                continue
            try:
                summaries.append((base.summary(e.program, f.request_type), w))
            except PriorError:
                continue
    if not summaries:
        return library
    fitted = fit_grammar(base, summaries, pseudocounts=1.0)
    return library.with_log_weights(dict(zip([p.name for p in library.productions], fitted.log_weights)),
                                    fitted.log_variable)
