"""Reference detections for src/metrics/detectors/*.ts, computed with River 0.26.1.

Writes fixtures/detectors.json:
  versions   python / river / numpy / scipy used to produce the file
  streams    the input streams. Real-valued streams are rounded to 6 decimals *before*
             River sees them, so TypeScript and River read the very same doubles. Binary
             streams are stored as strings of '0'/'1'.
  cases      detector, River constructor parameters (snake_case, as passed to River),
             stream name, and River's drift indices and warning runs ([start, end] inclusive)
  ks         scipy.stats.ks_2samp(method='auto') on pairs of windows, as KSWIN calls it,
             plus windows KSWIN itself tested on River's docstring stream
  python_random  random.Random(seed).sample(range(n), k) draws, to check the TypeScript
             replay of Python's Mersenne Twister used by the KSWIN parity test

Everything is seeded: re-running the script gives a byte-identical file.

Run: scripts/reference/.venv/bin/python scripts/reference/detectors.py
"""

from __future__ import annotations

import json
import math
import platform
import random
import warnings
from pathlib import Path

import numpy as np
import river
import scipy
from river import drift
from river.drift import kswin as kswin_module
from scipy import stats

OUT = Path(__file__).parent / "fixtures" / "detectors.json"
N = 3000


def runs(flags: list[bool]) -> list[list[int]]:
    """Run-length encode the indices where a flag is set: [[start, end], ...] inclusive."""
    out: list[list[int]] = []
    for i, f in enumerate(flags):
        if not f:
            continue
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def real_streams() -> dict[str, list[float]]:
    rng = random.Random(12345)
    # River's docstring stream for ADWIN, PageHinkley and KSWIN, reproduced exactly.
    doc = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)

    g = np.random.default_rng(20240601)
    gauss_shift = np.concatenate([g.normal(0, 1, 1500), g.normal(1.0, 1, 1500)])
    g = np.random.default_rng(20240602)
    variance_change = np.concatenate([g.normal(0, 1, 1500), g.normal(0, 3, 1500)])
    g = np.random.default_rng(20240603)
    multi_shift = np.concatenate([g.normal(m, 1, N // 4) for m in (0.0, 2.0, -1.0, 3.0)])
    g = np.random.default_rng(20240604)
    gradual = g.uniform(0, 1, N) + np.clip((np.arange(N) - 1000) / 1000, 0, 1) * 0.8
    g = np.random.default_rng(20240605)
    stationary = g.normal(5, 2, N)

    def r6(a: np.ndarray) -> list[float]:
        return [round(float(v), 6) for v in a]

    return {
        "river-doc-12345": [float(v) for v in doc],
        "gauss-shift": r6(gauss_shift),
        "variance-change": r6(variance_change),
        "multi-shift": r6(multi_shift),
        "gradual": r6(gradual),
        "stationary": r6(stationary),
    }


def binary_streams() -> dict[str, list[int]]:
    rng = random.Random(42)
    # River's docstring stream for DDM, EDDM and HDDMA, reproduced exactly.
    doc = rng.choices([0, 1], k=1000)
    doc = doc + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])

    def bern(seed: int, rates: list[float]) -> list[int]:
        g = np.random.default_rng(seed)
        size = N // len(rates)
        return [int(v) for p in rates for v in (g.random(size) < p)]

    return {
        "river-doc-42": doc,
        "rate-jump": bern(31, [0.1, 0.4]),
        "rate-drop": bern(32, [0.5, 0.1]),
        "rate-multi": bern(33, [0.2, 0.5, 0.1, 0.6]),
        "rate-stable": bern(34, [0.3]),
        "rate-creep": [int(v) for v in (np.random.default_rng(35).random(N) < np.linspace(0.05, 0.5, N))],
    }


def run(detector, values) -> tuple[list[int], list[list[int]] | None]:
    drifts: list[int] = []
    flags: list[bool] = []
    has_warning = hasattr(detector, "warning_detected")
    for i, v in enumerate(values):
        detector.update(v)
        if detector.drift_detected:
            drifts.append(i)
        if has_warning:
            flags.append(detector.warning_detected)
    return drifts, (runs(flags) if has_warning else None)


def python_sample_uses_pool(n: int, k: int) -> bool:
    """Whether random.sample(range(n), k) takes the pool branch (see CPython random.py).

    The TypeScript KSWIN samples with that pool algorithm; the replay in its test only
    reproduces River when River took the same branch.
    """
    setsize = 21
    if k > 5:
        setsize += 4 ** math.ceil(math.log(k * 3, 4))
    return n <= setsize


def main() -> None:
    reals = real_streams()
    bins = binary_streams()

    real_names = [n for n in reals]
    bin_names = [n for n in bins]

    configs = {
        "ADWIN": (
            drift.ADWIN,
            real_names + ["rate-jump", "rate-multi"],
            [
                {},
                {"clock": 1},
                {"delta": 0.01, "clock": 16},
                {"max_buckets": 2, "min_window_length": 10, "grace_period": 50, "delta": 0.05},
            ],
        ),
        "PageHinkley": (
            drift.PageHinkley,
            real_names,
            [
                {},
                {"mode": "up"},
                {"mode": "down"},
                {"min_instances": 10, "delta": 0.01, "threshold": 20.0, "alpha": 0.99},
            ],
        ),
        "DDM": (
            drift.binary.DDM,
            bin_names,
            [{}, {"warm_start": 100, "warning_threshold": 1.5, "drift_threshold": 2.5}],
        ),
        "EDDM": (
            drift.binary.EDDM,
            bin_names,
            [{}, {"alpha": 0.8, "beta": 0.75}, {"warm_start": 10, "alpha": 0.9, "beta": 0.85}],
        ),
        "HDDMA": (
            drift.binary.HDDMA,
            bin_names,
            [
                {},
                {"two_sided_test": True},
                {"drift_confidence": 0.01, "warning_confidence": 0.05, "two_sided_test": True},
            ],
        ),
        "KSWIN": (
            drift.KSWIN,
            real_names,
            [
                {"alpha": 0.0001, "seed": 42},
                {"seed": 1},
                {"alpha": 0.01, "window_size": 50, "stat_size": 20, "seed": 7},
            ],
        ),
    }

    cases = []
    for name, (cls, stream_names, param_sets) in configs.items():
        for params in param_sets:
            if name == "KSWIN":
                w = params.get("window_size", 100)
                k = params.get("stat_size", 30)
                assert python_sample_uses_pool(w - k, k)
            for s in stream_names:
                values = reals[s] if s in reals else bins[s]
                d, w = run(cls(**params), values)
                case = {"detector": name, "params": params, "stream": s, "drifts": d}
                if w is not None:
                    case["warnings"] = w
                cases.append(case)

    # Edge streams, straight from River: constant input and a single value.
    for name, cls, values in [
        ("ADWIN", drift.ADWIN, [3.5] * 2000),
        ("PageHinkley", drift.PageHinkley, [3.5] * 2000),
        ("KSWIN", lambda: drift.KSWIN(seed=1), [3.5] * 500),
        ("DDM", drift.binary.DDM, [0] * 500 + [1] + [0] * 100),
        ("DDM", drift.binary.DDM, [1] * 500),
        ("EDDM", drift.binary.EDDM, [1] * 500),
        ("HDDMA", drift.binary.HDDMA, [0] * 500),
        ("HDDMA", drift.binary.HDDMA, [1] * 500),
    ]:
        d, w = run(cls(), values)
        case = {"detector": name, "params": {"seed": 1} if name == "KSWIN" else {},
                "inline": values, "drifts": d}
        if w is not None:
            case["warnings"] = w
        cases.append(case)

    # KS statistic and p-value exactly as KSWIN calls scipy.
    g = np.random.default_rng(777)
    pairs = []
    for n in (1, 2, 7, 10, 20, 30, 30, 30, 50, 100, 400):
        pairs.append((g.normal(0, 1, n), g.normal(0.5, 1, n)))
    for n in (7, 15, 30, 36):
        base = np.arange(n, dtype=float)
        pairs.append((base, base + 0.5))  # D = 1/n: the exact branch overshoots 1, scipy falls back
    pairs.append((np.array([1.0] * 30), np.array([1.0] * 30)))  # identical
    pairs.append((np.arange(30.0), np.arange(30.0) + 100))  # disjoint
    pairs.append((g.integers(0, 4, 30).astype(float), g.integers(1, 5, 30).astype(float)))  # ties
    ks_cases = []
    # scipy warns when the exact p-value overshoots 1 and it falls back to kstwo; that
    # fallback is part of what the fixture pins down, so the warning is expected.
    warnings.filterwarnings("ignore", "ks_2samp: Exact calculation unsuccessful", RuntimeWarning)
    for ref, cur in pairs:
        ref = [round(float(v), 6) for v in ref]
        cur = [round(float(v), 6) for v in cur]
        r = stats.ks_2samp(ref, cur, method="auto")
        ks_cases.append({"reference": ref, "current": cur,
                         "statistic": float(r.statistic), "pValue": float(r.pvalue)})

    # Windows that River's KSWIN itself tested on its docstring stream (every 100th call).
    recorded = []
    original = kswin_module.stats.ks_2samp

    def spy(a, b, method):
        res = original(a, b, method=method)
        recorded.append({"reference": [float(v) for v in a], "current": [float(v) for v in b],
                         "statistic": float(res[0]), "pValue": float(res[1])})
        return res

    kswin_module.stats.ks_2samp = spy
    try:
        run(drift.KSWIN(alpha=0.0001, seed=42), reals["river-doc-12345"])
    finally:
        kswin_module.stats.ks_2samp = original
    kswin_windows = recorded[::100] + recorded[-1:]

    py_random = []
    for seed, n, k in ((42, 70, 30), (1, 70, 30), (7, 30, 20)):
        r = random.Random(seed)
        py_random.append({"seed": seed, "n": n, "k": k,
                          "samples": [r.sample(range(n), k) for _ in range(3)]})

    out = {
        "generator": "scripts/reference/detectors.py",
        "versions": {
            "python": platform.python_version(),
            "river": river.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "streams": {
            **{k: {"kind": "real", "values": v} for k, v in reals.items()},
            **{k: {"kind": "binary", "bits": "".join(map(str, v))} for k, v in bins.items()},
        },
        "cases": cases,
        "ks": ks_cases,
        "kswinWindows": kswin_windows,
        "pythonRandom": py_random,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
