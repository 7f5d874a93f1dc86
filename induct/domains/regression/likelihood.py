"""Constants inferred with numpyro; candidates scored by a Laplace marginal likelihood.

The model of a candidate with k constants θ:

    θ_j ~ Normal(0, 3),   log σ ~ Normal(-1, 2),   y_i ~ Normal(f(x_i; θ), σ²).

* :func:`fit_batch` finds the MAP of a batch of candidates at once: their register programs
  are padded to one shape (instructions, constants), the numpyro potential energy is
  vmapped over the batch and over a few random restarts, and optax Adam runs inside one
  jitted ``lax.scan``.  At the MAP the Hessian (``jax.hessian``) gives the Laplace estimate

      log p(y) ≈ log p(y|θ̂,σ̂) + log p(θ̂,σ̂) + d/2 log 2π − ½ log det H,   d = k + 1,

  so an extra constant pays for itself only if it improves the fit by more than its
  Occam factor.
* :func:`posterior` runs NUTS (numpyro.infer.MCMC) from the MAP for one candidate: constant
  samples, their intervals, and :func:`predictive` gives the posterior-predictive mean and
  interval of y on new x.
* :class:`LaplaceLikelihood` is the ``LikelihoodModel`` for induct's search: it traces a
  compiled program on the symbolic input and scores it (a batch of one, cached per
  structure).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import optax
from numpyro.infer import MCMC, NUTS, init_to_value
from numpyro.infer.util import potential_energy

from induct.programs.evaluation import run_program
from induct.tasks import Task

from induct.domains.regression.semantics import Expr, X, family, lower

__all__ = ["Candidate", "trace", "fit_batch", "posterior", "predictive", "LaplaceLikelihood",
           "PRIOR_SCALE"]

PRIOR_SCALE = 3.0
_COPY = 6  # padding opcode: copy register a
_LOG_2PI = math.log(2 * math.pi)


class Candidate:
    """A lowered candidate: register ``code`` and its number of constants ``k``."""

    __slots__ = ("code", "k", "expr")

    def __init__(self, expr: Expr):
        self.expr = expr
        self.code, self.k = lower(expr)


def trace(compiled: Callable) -> Candidate | None:
    """The candidate a compiled ``real -> real`` program denotes, or None if it is not one."""
    e = run_program(compiled, (X,))
    if not isinstance(e, Expr):
        return None
    try:
        return Candidate(e)
    except ValueError:
        return None


def _interpret(code: jnp.ndarray, theta: jnp.ndarray, x: jnp.ndarray) -> jnp.ndarray:
    """Run a padded register program (L, 3) with constants ``theta`` on ``x`` (N,)."""
    n_regs = code.shape[0]

    def step(regs, i):
        op, a, b = code[i, 0], code[i, 1], code[i, 2]
        va, vb = regs[a], regs[b]
        options = jnp.stack([x, jnp.broadcast_to(theta[jnp.minimum(a, theta.shape[0] - 1)], x.shape),
                             va + vb, va - vb, va * vb, va / vb, regs[jnp.maximum(i - 1, 0)]])
        return regs.at[i].set(options[op]), None

    regs, _ = jax.lax.scan(step, jnp.zeros((n_regs,) + x.shape), jnp.arange(n_regs))
    return regs[-1]


def _model(code, mask, x, y):
    theta = numpyro.sample("theta", dist.Normal(0.0, PRIOR_SCALE).expand([mask.shape[0]]).mask(mask).to_event(1))
    log_sigma = numpyro.sample("log_sigma", dist.Normal(-1.0, 2.0))
    f = _interpret(code, theta, x)
    f = jnp.where(jnp.isfinite(f), f, 1e6)
    numpyro.sample("y", dist.Normal(f, jnp.exp(log_sigma)), obs=y)


def _energy(z, code, mask, x, y):
    params = {"theta": z[:-1], "log_sigma": z[-1]}
    u = potential_energy(_model, (code, mask, x, y), {}, params)
    return jnp.where(jnp.isfinite(u), u, 1e12)


@partial(jax.jit, static_argnames=("steps",))
def _fit(z0, code, mask, x, y, steps: int):
    """MAP of each row (vmapped), then its energy and Laplace log evidence."""
    opt = optax.adam(0.05)

    def one(z, code, mask):
        grad = jax.grad(_energy)

        def step(carry, _):
            z, state = carry
            g = jnp.nan_to_num(grad(z, code, mask, x, y), nan=0.0, posinf=0.0, neginf=0.0)
            g = jnp.concatenate([jnp.where(mask, g[:-1], 0.0), g[-1:]])
            updates, state = opt.update(g, state)
            return (optax.apply_updates(z, updates), state), None

        (z, _), _ = jax.lax.scan(step, (z, opt.init(z)), None, length=steps)
        u = _energy(z, code, mask, x, y)
        h = jax.hessian(_energy)(z, code, mask, x, y)
        active = jnp.concatenate([mask, jnp.array([True])])
        keep = active[:, None] & active[None, :]
        h = jnp.where(keep, h, jnp.eye(h.shape[0]))
        sign, logdet = jnp.linalg.slogdet(h)
        d = jnp.sum(active)
        evidence = -u + 0.5 * d * _LOG_2PI - 0.5 * logdet
        evidence = jnp.where((sign > 0) & jnp.isfinite(evidence) & (u < 1e11), evidence, -jnp.inf)
        return z, u, evidence

    return jax.vmap(one)(z0, code, mask)


def _bucket(n: int, sizes: Sequence[int]) -> int:
    for s in sizes:
        if n <= s:
            return s
    return n


def fit_batch(candidates: Sequence[Candidate], x: np.ndarray, y: np.ndarray, *, restarts: int = 4,
              steps: int = 400, seed: int = 0, by_size: bool = True, split_from: int = 64) -> list[dict]:
    """MAP constants and Laplace log evidence for each candidate (one jitted call per size).

    Candidates are padded to their size class (instructions and constants, each rounded up
    to a few fixed sizes), one jitted call per class, so a short program does not pay for
    the longest one in the batch (``by_size=False``: all in one call, padded to the largest).
    A batch of fewer than ``split_from`` candidates is one call: there, compiling a
    function per class would cost more than the padding.

    Returns one dict per candidate: ``theta`` (k,), ``sigma``, ``log_joint`` (at the MAP)
    and ``evidence`` (the Laplace estimate; −∞ where the fit failed).
    """
    if not by_size or len(candidates) < split_from:
        return _fit_padded(candidates, x, y, restarts, steps, seed)
    classes: dict[tuple[int, int], list[int]] = {}
    for i, c in enumerate(candidates):
        classes.setdefault((_bucket(len(c.code), _LENGTHS), _bucket(max(c.k, 1), _WIDTHS)), []).append(i)
    out: list[dict] = [{}] * len(candidates)
    for members in classes.values():
        for i, fit in zip(members, _fit_padded([candidates[i] for i in members], x, y, restarts, steps, seed)):
            out[i] = fit
    return out


_LENGTHS = (4, 8, 16, 32, 64)
_WIDTHS = (2, 4, 8, 16)


def _fit_padded(candidates: Sequence[Candidate], x: np.ndarray, y: np.ndarray, restarts: int, steps: int,
                seed: int) -> list[dict]:
    if not candidates:
        return []
    n = len(candidates)
    length = _bucket(max(len(c.code) for c in candidates), _LENGTHS)
    width = _bucket(max(max(c.k for c in candidates), 1), _WIDTHS)
    rows = _bucket(n * restarts, (8, 32, 128, 512, 2048))
    code = np.zeros((rows, length, 3), np.int32)
    mask = np.zeros((rows, width), bool)
    code[:, :, 0] = _COPY
    for r in range(n * restarts):
        c = candidates[r // restarts]
        code[r, :len(c.code)] = c.code
        mask[r, :c.k] = True
    for r in range(n * restarts, rows):
        code[r, 0] = (0, 0, 0)
    # The same starts for every candidate, whatever its batch: restart r begins at row r of
    # one fixed draw (the first at all-ones), so a fit does not depend on how it was batched.
    starts = np.random.default_rng(seed).normal(0.0, 1.5, (restarts, _WIDTHS[-1]))
    starts[0] = 1.0
    z0 = np.concatenate([np.resize(starts[:, :width], (rows, width)),
                         np.full((rows, 1), math.log(float(np.std(y)) + 1e-3))], axis=1)
    z, u, ev = _fit(jnp.asarray(z0), jnp.asarray(code), jnp.asarray(mask), jnp.asarray(x, jnp.float32),
                    jnp.asarray(y, jnp.float32), steps=steps)
    z, u, ev = np.asarray(z), np.asarray(u), np.asarray(ev)
    out = []
    for i, c in enumerate(candidates):
        block = slice(i * restarts, (i + 1) * restarts)
        best = i * restarts + int(np.argmin(np.where(np.isfinite(u[block]), u[block], np.inf)))
        out.append({"theta": z[best, :c.k].copy(), "sigma": float(np.exp(z[best, -1])),
                    "log_joint": float(-u[best]), "evidence": float(ev[best]),
                    "z": z[best], "code": code[best], "mask": mask[best]})
    return out


def posterior(fit: dict, x: np.ndarray, y: np.ndarray, *, warmup: int = 300, samples: int = 500,
              seed: int = 0) -> dict:
    """NUTS from the MAP: ``theta`` samples (S, k) and ``sigma`` samples (S,)."""
    k = int(np.sum(fit["mask"]))
    init = {"theta": jnp.asarray(fit["z"][:-1]), "log_sigma": jnp.asarray(fit["z"][-1])}
    kernel = NUTS(_model, init_strategy=init_to_value(values=init))
    mcmc = MCMC(kernel, num_warmup=warmup, num_samples=samples, progress_bar=False)
    mcmc.run(jax.random.PRNGKey(seed), jnp.asarray(fit["code"]), jnp.asarray(fit["mask"]),
             jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32))
    s = mcmc.get_samples()
    return {"theta": np.asarray(s["theta"])[:, :k], "sigma": np.exp(np.asarray(s["log_sigma"])),
            "code": fit["code"], "mask": fit["mask"]}


def predictive(post: dict, x_new: np.ndarray, *, level: float = 0.9, noise: bool = True,
               seed: int = 0) -> dict:
    """Posterior-predictive ``mean``, ``lo`` and ``hi`` (central ``level`` interval) on ``x_new``."""
    width = post["mask"].shape[0]
    theta = np.zeros((post["theta"].shape[0], width))
    theta[:, :post["theta"].shape[1]] = post["theta"]
    code = jnp.asarray(post["code"])
    f = np.asarray(jax.vmap(lambda t: _interpret(code, t, jnp.asarray(x_new, jnp.float32)))(jnp.asarray(theta)))
    if noise:
        f = f + np.random.default_rng(seed).normal(size=f.shape) * post["sigma"][:, None]
    a = (1 - level) / 2
    return {"mean": f.mean(axis=0), "lo": np.quantile(f, a, axis=0), "hi": np.quantile(f, 1 - a, axis=0)}


def task_data(task: Task) -> tuple[np.ndarray, np.ndarray]:
    """The task's x and y as arrays."""
    return (np.array([float(e.inputs[0]) for e in task.examples]),
            np.array([float(e.output) for e in task.examples]))


class LaplaceLikelihood:
    """``LikelihoodModel``: the Laplace log evidence of a candidate, its constants at the MAP.

    The evidence of the data is a log likelihood in the search's sense (the program's log
    prior adds to it); it is cached per (family of functions, task) — see
    :func:`~induct.domains.regression.semantics.family` — and enumeration hands over its
    candidates ``batch_size`` at a time (:meth:`log_likelihoods`: one batched fit).
    """

    name = "regression-laplace"

    def __init__(self, restarts: int = 4, steps: int = 400, batch_size: int = 128):
        self.restarts = restarts
        self.steps = steps
        self.batch_size = batch_size
        self._cache: dict[tuple, float] = {}

    def log_likelihood(self, compiled: Callable[[tuple], Any], task: Task) -> float:
        return self.log_likelihoods([compiled], task)[0]

    def log_likelihoods(self, compiled: Sequence[Callable[[tuple], Any]], task: Task) -> list[float]:
        keys: list[tuple | None] = []
        todo: dict[tuple, Candidate] = {}
        for program in compiled:
            c = trace(program)
            if c is None:
                keys.append(None)
                continue
            key = (task.name, task.split, family(c.expr))
            keys.append(key)
            if key not in self._cache:
                todo.setdefault(key, c)
        if todo:
            x, y = task_data(task)
            fits = fit_batch(list(todo.values()), x, y, restarts=self.restarts, steps=self.steps)
            for key, fit in zip(todo, fits):
                self._cache[key] = fit["evidence"]
        return [-math.inf if key is None else self._cache[key] for key in keys]

    def output_scorer(self, task: Task) -> None:
        """None: the evidence needs the program (its constants are inferred), not its outputs."""
        return None
