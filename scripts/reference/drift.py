"""Reference values for src/metrics/drift, computed with numpy and scipy.

Writes fixtures/drift.json: the library versions and a list of cases, each with its input
and the values the TypeScript port must reproduce (1e-9 for closed forms, 1e-6 for p-values).

Large samples are stored run-length encoded ({"values": [...], "counts": [...]}) so the
fixture stays small: the data are rounded to two decimals, and every statistic here depends
only on the multiset of values, not on their order.

Deterministic: one seeded numpy Generator per case.
"""

import json
import math
import pathlib
import sys

import mpmath
import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

OUT = pathlib.Path(__file__).parent / "fixtures" / "drift.json"
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
EPSILON = 1e-4


def rng(seed):
    return np.random.default_rng(seed)


def plain(values):
    return [float(v) for v in values]


def compact(values):
    """Run-length encoding of a sample: distinct values and their counts."""
    distinct, counts = np.unique(np.asarray(values, dtype=float), return_counts=True)
    return {"values": plain(distinct), "counts": [int(c) for c in counts]}


def encode(values):
    return compact(values) if len(values) > 300 else plain(values)


# ---------------------------------------------------------------- numerical samples


def ks_case(name, reference, current):
    res = stats.ks_2samp(reference, current)
    mode = "exact" if max(len(reference), len(current)) <= 10000 else "asymp"
    return {
        "kind": "ks",
        "name": name,
        "input": {"reference": encode(reference), "current": encode(current)},
        "expected": {"statistic": float(res.statistic), "pValue": float(res.pvalue), "mode": mode},
    }


def ks_cases():
    cases = []
    g = rng(1)
    cases.append(ks_case("exact equal sizes 8 vs 8",
                         np.round(g.normal(0, 1, 8), 3), np.round(g.normal(0.8, 1, 8), 3)))
    g = rng(2)
    cases.append(ks_case("exact different sizes 30 vs 45 shifted",
                         np.round(g.normal(0, 1, 30), 3), np.round(g.normal(0.7, 1, 45), 3)))
    g = rng(3)
    cases.append(ks_case("exact ties integers 40 vs 55",
                         g.integers(0, 5, 40).astype(float), g.integers(1, 6, 55).astype(float)))
    g = rng(4)
    cases.append(ks_case("exact shifted 200 vs 150",
                         np.round(g.normal(0, 1, 200), 2), np.round(g.normal(0.3, 1, 150), 2)))
    g = rng(5)
    cases.append(ks_case("exact scaled 1000 vs 700",
                         np.round(g.normal(0, 1, 1000), 2), np.round(g.normal(0, 1.5, 700), 2)))
    cases.append(ks_case("exact single values", [1.5], [2.5]))
    cases.append(ks_case("exact one vs three", [2.0], [1.0, 2.0, 3.0]))
    g = rng(6)
    same = np.round(g.normal(0, 1, 50), 3)
    cases.append(ks_case("exact identical samples", same, same.copy()))
    cases.append(ks_case("exact constant samples", [3.0] * 20, [3.0] * 12 + [4.0] * 3))
    g = rng(7)
    cases.append(ks_case("exact at the auto limit 10000 vs 7000",
                         np.round(g.normal(0, 1, 10000), 2), np.round(g.normal(0.05, 1, 7000), 2)))
    g = rng(8)
    cases.append(ks_case("exact equal sizes 5000 vs 5000",
                         np.round(g.normal(0, 1, 5000), 2), np.round(g.normal(0.04, 1, 5000), 2)))
    # Asymptotic: max(n, m) > 10000, kstwo.sf(d, round(n*m/(n+m))) with n = 5739.
    g = rng(9)
    ref = np.round(g.normal(0, 1, 12000), 2)
    cases.append(ks_case("asymp 12000 vs 11000 shifted (smirnov branch)",
                         ref, np.round(g.normal(0.1, 1, 11000), 2)))
    cases.append(ks_case("asymp 12000 vs 11000 same law (Pelz-Good branch)",
                         ref, np.round(g.normal(0, 1, 11000), 2)))
    cases.append(ks_case("asymp 12000 vs 11000 subset (Durbin matrix branch)",
                         ref, g.permutation(ref)[:11000]))
    g = rng(10)
    big = np.round(g.normal(0, 1, 20000), 2)
    cases.append(ks_case("asymp 20000 vs 60 same law (n <= 140, Durbin matrix)",
                         big, np.round(g.normal(0, 1, 60), 2)))
    cases.append(ks_case("asymp 20000 vs 50 shifted (n <= 140, Pomeranz)",
                         big, np.round(g.normal(0.45, 1, 50), 2)))
    cases.append(ks_case("asymp 20000 vs 40 shifted (n <= 140, smirnov)",
                         big, np.round(g.normal(1.0, 1, 40), 2)))
    cases.append(ks_case("asymp 11000 vs 30 far apart (d >= 0.5)",
                         big[:11000], np.round(g.normal(3.0, 1, 30), 2)))
    cases.append(ks_case("asymp 20000 vs 1 (Ruben-Gambino)", big, [0.0]))
    return cases


def kstwo_cases():
    """kstwo.sf(x, n) over a grid that reaches every branch of scipy's _kolmogn."""
    rows = []
    for n in [1, 2, 3, 5, 10, 50, 140, 141, 500, 5739, 100000, 100001, 2000000]:
        xs = {0.4 / n, 0.8 / n, 1 - 0.5 / n, 0.6, 0.95}
        for nx2 in [0.3, 0.7, 1.0, 2.0, 3.5, 6.0, 15.0, 100.0, 400.0]:
            xs.add(math.sqrt(nx2 / n))
        xs.add((0.8 / n) ** (2 / 3))
        xs.add((1.3 / n) ** (2 / 3))
        xs.add(2 * (1.4 / n) ** (2 / 3))
        for x in sorted(xs):
            if 0 < x < 1:
                rows.append([n, x, float(stats.kstwo.sf(x, n))])
    return [{"kind": "kstwo", "name": "kstwo.sf grid", "input": {"rows": rows}, "expected": {}}]


def smirnov_cases():
    """scipy.special.smirnov(n, x), the one-sided survival function, where kstwo uses it."""
    from scipy import special
    rows = []
    for n in [1, 2, 5, 20, 141, 1000, 5739, 1000001]:
        for x in sorted({0.5 / n, 1 / n, 0.5, 0.75, 1 - 1 / n, math.sqrt(2.3 / n), math.sqrt(5 / n), math.sqrt(30 / n)}):
            if 0 <= x <= 1:
                rows.append([n, x, float(special.smirnov(n, x))])
    return [{"kind": "smirnov", "name": "scipy.special.smirnov grid", "input": {"rows": rows}, "expected": {}}]


def binary_exponent(values):
    """floor(log2 max|x|) of finite values (0 for all zeros), as math.frexp gives it."""
    top = float(np.max(np.abs(values)))
    return 0 if top == 0 else math.frexp(top)[1] - 1


def to_unit(values, exponent):
    """values · 2^k with k = −exponent within ±1023: exact (a power of two) but for values that
    land below the normal range, which are 2^1000 times smaller than the largest."""
    k = min(1023, max(-1023, -exponent))
    return np.ldexp(np.asarray(values, dtype=float), k), k


def ldexp_or_inf(x, e):
    try:
        return math.ldexp(x, e)
    except OverflowError:
        return math.copysign(math.inf, x)


def wasserstein_case(name, reference, current):
    """scipy's W1 and driftwatch's normed score W1 / std(reference, ddof=0).

    W1 is homogeneous of degree 1 and so is the std, so both are computed on the samples times
    a power of two (np.ldexp, exact): the pooled values brought to [1, 2) in magnitude for W1,
    the reference's for its std; subnormal or huge features then lose no digits to the double
    range, and the ratio is the one at any scale. A constant reference (std 0) is normed by the
    standard deviation of the even mixture of the two samples, sqrt(var(cur)/2 + (mean(cur) − c)²/4),
    and scores 0 when the current is that same constant.
    """
    ref = np.asarray(reference, dtype=float)
    cur = np.asarray(current, dtype=float)
    pooled = binary_exponent(np.concatenate([ref, cur]))
    ref_p, k = to_unit(ref, pooled)
    cur_p, _ = to_unit(cur, pooled)
    w = float(stats.wasserstein_distance(ref_p, cur_p))
    raw = ldexp_or_inf(w, -k)
    if ref.min() == ref.max():
        mixture = math.sqrt(float(np.var(cur_p)) / 2 + (float(np.mean(cur_p)) - float(ref_p[0])) ** 2 / 4)
        normed = 0.0 if mixture == 0 else w / mixture
        scale = ldexp_or_inf(mixture, -k)
    else:
        ref_r, kr = to_unit(ref, binary_exponent(ref))
        std = float(np.std(ref_r))
        normed = ldexp_or_inf(w / std, kr - k)
        scale = ldexp_or_inf(std, -kr)
    check_exact(ref, cur, normed)
    return {
        "kind": "wasserstein",
        "name": name,
        "input": {"reference": encode(reference), "current": encode(current)},
        "expected": {"distance": raw, "normed": normed, "scale": scale},
    }


def check_exact(ref, cur, normed):
    """The same score in 60-digit arithmetic with an unbounded exponent (mpmath), on the values
    as given: Σ|F_ref − F_cur|·Δx over the pooled sorted values, over the population std."""
    with mpmath.workdps(60):
        r = sorted(mpmath.mpf(float(x)) for x in ref)
        c = sorted(mpmath.mpf(float(x)) for x in cur)
        xs = sorted(set(r) | set(c))
        total, i, j = mpmath.mpf(0), 0, 0
        for a, b in zip(xs, xs[1:]):
            while i < len(r) and r[i] <= a:
                i += 1
            while j < len(c) and c[j] <= a:
                j += 1
            total += abs(mpmath.mpf(i) / len(r) - mpmath.mpf(j) / len(c)) * (b - a)
        mean_r = mpmath.fsum(r) / len(r)
        std_r = mpmath.sqrt(mpmath.fsum((x - mean_r) ** 2 for x in r) / len(r))
        if std_r == 0:
            mean_c = mpmath.fsum(c) / len(c)
            var_c = mpmath.fsum((x - mean_c) ** 2 for x in c) / len(c)
            scale = mpmath.sqrt(var_c / 2 + (mean_c - r[0]) ** 2 / 4)
            exact = mpmath.mpf(0) if scale == 0 else total / scale
        else:
            exact = total / std_r
        assert abs(exact - normed) <= mpmath.mpf("1e-12") * max(1, abs(exact)), (float(exact), normed)


def wasserstein_cases():
    g = rng(20)
    cases = [
        wasserstein_case("hand example", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0]),
        wasserstein_case("shifted normals 500 vs 300",
                         np.round(g.normal(0, 2, 500), 3), np.round(g.normal(0.5, 2, 300), 3)),
        wasserstein_case("scaled with ties 400 vs 600",
                         g.integers(0, 10, 400).astype(float), g.integers(0, 14, 600).astype(float)),
        wasserstein_case("constant reference", [2.0] * 10, [2.0, 2.5, 3.0]),
        wasserstein_case("single values", [1.0], [4.0]),
        wasserstein_case("tiny spread reference", [1.0, 1.0002, 1.0001], [1.0, 1.5]),
        wasserstein_case("large samples 15000 vs 12000",
                         np.round(g.normal(0, 1, 15000), 2), np.round(g.normal(0.2, 1.2, 12000), 2)),
    ]
    # A rate with a spread far below 0.001 and the same column per mille: one score.
    s = rng(21)
    rate_ref = s.normal(5e-4, 5e-5, 300)
    rate_cur = s.normal(5.5e-4, 5e-5, 200)
    cases += [
        wasserstein_case("small spread 5e-5, current one std higher", rate_ref, rate_cur),
        wasserstein_case("the same column times 1000", rate_ref * 1000, rate_cur * 1000),
        wasserstein_case("subnormal values (multiples of 2^-1074)",
                         s.integers(1000, 10000, 300) * 2.0 ** -1074, s.integers(1500, 10500, 250) * 2.0 ** -1074),
        wasserstein_case("huge values near 1e300", s.normal(1e300, 1e299, 300), s.normal(1.05e300, 1e299, 250)),
        wasserstein_case("huge values near the largest double", s.uniform(1e307, 1.7e308, 300),
                         s.uniform(1e307, 1.7e308, 250) * 0.9),
        wasserstein_case("constant reference, current the same constant", [7.5] * 20, [7.5] * 5),
        wasserstein_case("constant reference, current another constant", [0.0] * 20, [3.0] * 5),
        wasserstein_case("constant reference at 0, 2% moved", [0.0] * 100, [0.0] * 98 + [0.001, 0.002]),
        wasserstein_case("constant reference at 0, 2% moved, times 1000", [0.0] * 100, [0.0] * 98 + [1.0, 2.0]),
        wasserstein_case("constant subnormal reference", [5 * 2.0 ** -1074] * 30, s.integers(0, 40, 60) * 2.0 ** -1074),
    ]
    return cases


# ---------------------------------------------------------------- binned distances


def bin_edges(reference):
    """The reference's deciles (np.unique), and when ties collapse any (fewer than 9 distinct),
    also the double just above its minimum unless that is a decile, its maximum, and the double
    just above its maximum when that is a decile, so the outer bins hold the reference's extreme
    values (src/metrics/drift/reference-bins.ts, which explains why)."""
    ref = np.asarray(reference, dtype=float)
    deciles = np.unique(np.quantile(ref, DECILES, method="linear"))
    if len(deciles) == len(DECILES):
        return deciles
    closure = [ref.max()] if ref.min() in deciles else [np.nextafter(ref.min(), np.inf), ref.max()]
    if ref.max() in deciles:
        closure.append(np.nextafter(ref.max(), np.inf))
    closure = [c + 0.0 for c in closure if np.isfinite(c)]
    return np.unique(np.concatenate([deciles, closure]))


def bin_counts(edges, values):
    idx = np.searchsorted(edges, np.asarray(values, dtype=float), side="right")
    return np.bincount(idx, minlength=len(edges) + 1)


def proportions_with_epsilon(counts):
    """Evidently's get_binned_data (0.7.23), per side: an empty bin gets the side's smallest
    non-zero proportion / 1e6 when that is <= 1e-4, else 1e-4."""
    p = np.asarray(counts, dtype=float) / np.sum(counts)
    smallest = p[p != 0].min()
    return np.where(p == 0, smallest / 10**6 if smallest <= EPSILON else EPSILON, p)


def distances(ref_counts, cur_counts):
    ref_counts = np.asarray(ref_counts, dtype=float)
    cur_counts = np.asarray(cur_counts, dtype=float)
    r = proportions_with_epsilon(ref_counts)
    c = proportions_with_epsilon(cur_counts)
    p = ref_counts / ref_counts.sum()
    q = cur_counts / cur_counts.sum()
    return {
        "psi": float(np.sum((c - r) * np.log(c / r))),
        "jensenShannon": float(jensenshannon(ref_counts, cur_counts)),
        "kl": float(stats.entropy(r, c)),
        "hellinger": float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2)),
    }


def binned_case(name, reference, current):
    edges = bin_edges(reference)
    ref_counts = bin_counts(edges, reference)
    cur_counts = bin_counts(edges, current)
    return {
        "kind": "binned",
        "name": name,
        "input": {"reference": encode(reference), "current": encode(current)},
        "expected": {
            "edges": plain(edges),
            "referenceCounts": [int(c) for c in ref_counts],
            "currentCounts": [int(c) for c in cur_counts],
            **distances(ref_counts, cur_counts),
        },
    }


def counts_case(name, ref_counts, cur_counts):
    return {
        "kind": "counts",
        "name": name,
        "input": {"referenceCounts": ref_counts, "currentCounts": cur_counts},
        "expected": distances(ref_counts, cur_counts),
    }


def binned_cases():
    g = rng(30)
    ref = np.round(g.normal(0, 1, 1000), 3)
    cur = np.concatenate([np.round(g.normal(0.4, 1.3, 800), 3), bin_edges(ref)])
    g2 = rng(31)
    return [
        binned_case("normal reference, shifted current with values on the edges", ref, cur),
        binned_case("same law", ref, np.round(g.normal(0, 1, 700), 3)),
        binned_case("integer reference with collapsed edges",
                    g2.integers(0, 4, 500).astype(float), g2.integers(0, 6, 300).astype(float)),
        binned_case("constant reference", [5.0] * 40, [4.0, 5.0, 5.0, 6.0]),
        binned_case("single reference value", [1.0], [0.0, 1.0, 2.0, 3.0]),
        binned_case("three reference values", [1.0, 2.0, 10.0], [1.5, 2.0, 2.5, 9.0, 10.0, 11.0]),
        binned_case("large samples 15000 vs 12000",
                    np.round(g2.normal(0, 1, 15000), 2), np.round(g2.normal(0.1, 1, 12000), 2)),
        *tie_cases(),
        counts_case("empty bins on both sides", [10, 0, 5, 5], [0, 3, 7, 10]),
        counts_case("identical proportions", [1, 2, 3], [2, 4, 6]),
        counts_case("one bin", [7], [3]),
        counts_case("a rare reference bin and an empty one (epsilon from the rarest share)",
                    [12000, 7999, 1, 0], [1200, 760, 0, 40]),
    ]


def tie_cases():
    """References whose deciles collapse on a heavy tie, and a current sample whose values off
    the tie move far outside the reference's range: the range closure's bins must see it."""
    g = rng(32)
    zeros = np.zeros(1700)
    rest = g.integers(1, 20, 300).astype(float)
    shifted = g.integers(1000, 2000, 300).astype(float)
    middle_below = g.integers(-19, 0, 500).astype(float)
    middle_above = g.integers(1, 20, 300).astype(float)
    middle_zeros = np.zeros(1200)
    return [
        binned_case("85 % zeros, the rest 1..19; current's rest moved to 1000..1999",
                    np.concatenate([zeros, rest]), np.concatenate([zeros, shifted])),
        binned_case("85 % zeros, the rest 1..19; current's rest moved to -1999..-1000",
                    np.concatenate([zeros, rest]), np.concatenate([zeros, -shifted])),
        binned_case("mirrored: 85 % zeros, the rest -19..-1; current's rest moved to -1999..-1000",
                    np.concatenate([zeros, -rest]), np.concatenate([zeros, -shifted])),
        binned_case("60 % zeros in the middle, 25 % -19..-1 below, 15 % 1..19 above; the upper part moved to 1000..1999",
                    np.concatenate([middle_below, middle_zeros, middle_above]),
                    np.concatenate([middle_below, middle_zeros, shifted])),
        binned_case("85 % zeros, the rest 1..19; same law",
                    np.concatenate([zeros, rest]), np.concatenate([zeros, g.integers(1, 20, 300).astype(float)])),
    ]


# ---------------------------------------------------------------- categorical


def categorical_case(name, reference, current):
    categories = list(reference.keys()) + [k for k in current if k not in reference]
    ref = np.array([reference.get(k, 0) for k in categories], dtype=float)
    cur = np.array([current.get(k, 0) for k in categories], dtype=float)
    keep = (ref + cur) > 0
    table = np.vstack([ref[keep], cur[keep]])
    chi2 = stats.chi2_contingency(table, correction=False)
    r = proportions_with_epsilon(ref)
    c = proportions_with_epsilon(cur)
    unseen = [k for k in current if k not in reference and current[k] > 0]
    expected = {
        "chi2": float(chi2.statistic),
        "chi2PValue": float(chi2.pvalue),
        "dof": int(chi2.dof),
        "psi": float(np.sum((c - r) * np.log(c / r))),
        "jensenShannon": float(jensenshannon(ref, cur)),
        "linf": float(np.max(np.abs(ref / ref.sum() - cur / cur.sum()))),
        "unseenCategories": len(unseen),
        "unseenCount": int(sum(current[k] for k in unseen)),
    }
    if len(categories) <= 2:
        expected.update(z_test(reference, current))
    return {"kind": "categorical", "name": name,
            "input": {"reference": reference, "current": current}, "expected": expected}


def z_test(reference, current):
    """Evidently's z_stat_test: pooled two-proportion z-test, two-sided normal p-value."""
    keys = sorted(set(k for k, v in reference.items() if v > 0) | set(k for k, v in current.items() if v > 0))
    n1, n2 = sum(reference.values()), sum(current.values())
    if len(keys) == 1:
        return {"z": 0.0, "zPValue": 1.0}
    p1 = (n1 - reference.get(keys[0], 0)) / n1
    p2 = (n2 - current.get(keys[0], 0)) / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return {"z": float(z), "zPValue": float(2 * stats.norm.sf(abs(z)))}


def categorical_cases():
    g = rng(40)
    labels = [f"c{i}" for i in range(12)]
    big_ref = dict(zip(labels, [int(v) for v in g.multinomial(20000, np.full(12, 1 / 12))]))
    big_cur = dict(zip(labels, [int(v) for v in g.multinomial(15000, np.linspace(1, 2, 12) / np.linspace(1, 2, 12).sum())]))
    return [
        categorical_case("three categories, shifted", {"a": 50, "b": 30, "c": 20}, {"a": 30, "b": 40, "c": 30}),
        categorical_case("unseen categories in current", {"a": 60, "b": 40}, {"a": 20, "b": 25, "x": 5, "y": 1}),
        categorical_case("category missing from current", {"a": 10, "b": 10, "c": 5}, {"a": 12, "b": 9}),
        categorical_case("same proportions", {"a": 10, "b": 20, "c": 30}, {"a": 20, "b": 40, "c": 60}),
        categorical_case("binary", {"yes": 120, "no": 80}, {"yes": 90, "no": 110}),
        categorical_case("binary, one category unseen", {"no": 40}, {"no": 30, "yes": 10}),
        categorical_case("single shared category", {"a": 5}, {"a": 9}),
        categorical_case("twelve categories, large counts", big_ref, big_cur),
        categorical_case("a rare reference category and a new one (epsilon from the rarest share)",
                         {"a": 12000, "b": 7999, "rare": 1}, {"a": 1200, "b": 760, "new": 40}),
        rare_binary_case(),
    ]


def rare_binary_case():
    """A tenfold base-rate shift of a rare class (0.01 % -> 0.1 %), which the z-test decides
    (src/metrics/drift/select-method.ts): its p-value checked against statsmodels'
    proportions_ztest and scipy's uncorrected chi2_contingency."""
    from statsmodels.stats.proportion import proportions_ztest

    reference, current = {"0": 199990, "1": 20}, {"0": 99910, "1": 100}
    case = categorical_case("binary, a rare class ten times as frequent", reference, current)
    _, p_statsmodels = proportions_ztest([20, 100], [200010, 100010])
    p_chi2 = stats.chi2_contingency([[20, 199990], [100, 99910]], correction=False).pvalue
    for p in (p_statsmodels, p_chi2):
        assert math.isclose(case["expected"]["zPValue"], p, rel_tol=1e-9), (case["expected"]["zPValue"], p)
    return case


# ---------------------------------------------------------------- multiple testing


def bh_cases():
    g = rng(50)
    return [
        {"kind": "bh", "name": name, "input": {"pValues": plain(ps)},
         "expected": {"adjusted": plain(stats.false_discovery_control(ps, method="bh"))}}
        for name, ps in [
            ("mixed", np.array([0.001, 0.04, 0.03, 0.2, 0.5, 0.0001, 0.049])),
            ("ties", np.array([0.01, 0.01, 0.02, 0.02, 0.9])),
            ("two", np.array([0.03, 0.04])),
            ("random 40", g.uniform(0, 0.2, 40)),
        ]
    ]


def main():
    cases = ks_cases() + kstwo_cases() + smirnov_cases() + wasserstein_cases() + binned_cases() + categorical_cases() + bh_cases()
    fixture = {
        "generator": "scripts/reference/drift.py",
        "libraries": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__, "mpmath": mpmath.__version__},
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
