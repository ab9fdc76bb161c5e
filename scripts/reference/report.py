"""Golden data and reference values for `driftwatch report` (src/cli/report.test.ts).

Writes a seeded pair of CSV files, test/fixtures/report/{reference,current}.csv (1000 and 800
rows: a loan model with numerical and categorical features, a protected attribute, label,
prediction and score; drift injected in income, employment and the label), and
fixtures/report.json with what the report must say, computed from the CSV files as written:

- numerical features: scipy.stats.ks_2samp, scipy.stats.wasserstein_distance (and normed by
  np.std(ref), without Evidently's 0.001 floor), PSI / Jensen-Shannon (scipy, natural log, as Evidently) / Hellinger / KL
  (scipy.stats.entropy) over reference-decile bins (as drift.py), on the finite values;
- categorical features: scipy.stats.chi2_contingency(correction=False) over the union of
  categories, PSI, Jensen-Shannon, L-infinity; the two-proportion z-test (statsmodels
  proportions_ztest) for two-valued columns;
- the Benjamini-Hochberg adjusted p-values (scipy.stats.false_discovery_control) of the
  deciding tests and the drift share;
- fairness on the current file: fairlearn MetricFrame per group and the parity metrics over
  the groups with at least 30 members;
- performance: sklearn accuracy / precision / recall / F1 / ROC AUC on both files and the
  statsmodels Newcombe interval of the accuracy difference.
Deterministic (seeded numpy Generator).
"""

import json
import math
import platform
from pathlib import Path

import fairlearn
import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
from fairlearn.metrics import (MetricFrame, demographic_parity_difference, demographic_parity_ratio,
                               equal_opportunity_difference, equalized_odds_difference, false_positive_rate,
                               selection_rate, true_positive_rate)
from scipy import stats
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from drift import bin_edges

ROOT = Path(__file__).resolve().parents[2]
CSV_DIR = ROOT / "test" / "fixtures" / "report"
OUT = Path(__file__).parent / "fixtures" / "report.json"
EPS = 1e-4
NUMERICAL = ["age", "credit_score", "income"]
CATEGORICAL = ["employment", "gender", "has_mortgage", "num_accounts", "region"]
MIN_GROUP_SIZE = 30


def make(g, n, drift):
    income = np.round(g.lognormal(10.6 + (0.25 if drift else 0), 0.45, n), 0)
    age = g.integers(18, 76, n)
    credit = np.round(g.normal(680 - (10 if drift else 0), 60, n), 0)
    emp_p = [0.55, 0.2, 0.1, 0.15] if drift else [0.65, 0.25, 0.1, 0.0]
    employment = g.choice(["salaried", "self-employed", "unemployed", "gig"], n, p=emp_p)
    region = g.choice(["north", "south", "east", "west"], n)
    gender = g.choice(["female", "male", "unspecified"], n, p=[0.49, 0.49, 0.02])
    mortgage = (g.random(n) < 0.35).astype(int)
    accounts = g.integers(1, 5, n)
    logit = (np.log(income) - 10.6) * 2.2 + (credit - 680) / 45 - (employment == "unemployed") * 1.2 \
        + (gender == "male") * 0.3 - 0.2
    score = np.round(1 / (1 + np.exp(-logit)), 4)
    true_logit = logit - (0.6 if drift else 0) + (employment == "gig") * -0.8
    label = (g.random(n) < 1 / (1 + np.exp(-true_logit))).astype(int)
    df = pd.DataFrame({"income": income, "age": age, "credit_score": credit, "employment": employment,
                       "region": region, "gender": gender, "has_mortgage": mortgage, "num_accounts": accounts,
                       "label": label, "prediction": (score >= 0.5).astype(int), "score": score})
    df["credit_score"] = df["credit_score"].astype(object)
    df.loc[g.choice(n, 12, replace=False), "credit_score"] = ""
    if drift:
        df.loc[[5, 77], "credit_score"] = "unknown"
        df.loc[[9], "income"] = math.inf
    return df


def write():
    g = np.random.default_rng(20251122)
    CSV_DIR.mkdir(parents=True, exist_ok=True)
    make(g, 1000, False).to_csv(CSV_DIR / "reference.csv", index=False)
    make(g, 800, True).to_csv(CSV_DIR / "current.csv", index=False)


def finite(series):
    x = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    return x[np.isfinite(x)]


def binned(ref, cur):
    edges = bin_edges(ref)
    rc = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
    cc = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
    return rc, cc


def psi(rc, cc):
    r, c = rc / rc.sum(), cc / cc.sum()
    r, c = np.where(rc == 0, EPS, r), np.where(cc == 0, EPS, c)
    return float(np.sum((c - r) * np.log(c / r)))


def kl(rc, cc):
    r, c = rc / rc.sum(), cc / cc.sum()
    return float(stats.entropy(np.where(rc == 0, EPS, r), np.where(cc == 0, EPS, c)))


def hellinger(rc, cc):
    return float(np.sqrt(np.sum((np.sqrt(rc / rc.sum()) - np.sqrt(cc / cc.sum())) ** 2) / 2))


def numerical(ref_s, cur_s):
    ref, cur = finite(ref_s), finite(cur_s)
    ks = stats.ks_2samp(ref, cur)
    w = stats.wasserstein_distance(ref, cur)
    rc, cc = binned(ref, cur)
    return {"ks": {"statistic": ks.statistic, "p_value": ks.pvalue}, "wasserstein_distance": w,
            "wasserstein": w / np.std(ref), "psi": psi(rc, cc),
            "jensen_shannon": float(jensenshannon(rc, cc)), "hellinger": hellinger(rc, cc), "kl": kl(rc, cc),
            "reference_count": len(ref), "current_count": len(cur)}


def categorical(ref_s, cur_s):
    ref, cur = ref_s[ref_s != ""], cur_s[cur_s != ""]
    cats = list(dict.fromkeys(list(ref.unique()) + list(cur.unique())))
    rc = np.array([(ref == c).sum() for c in cats])
    cc = np.array([(cur == c).sum() for c in cats])
    keep = rc + cc > 0
    chi = stats.chi2_contingency(np.array([rc[keep], cc[keep]]), correction=False)
    out = {"chi2": {"statistic": chi.statistic, "p_value": chi.pvalue}, "psi": psi(rc, cc),
           "jensen_shannon": float(jensenshannon(rc, cc)),
           "linf": float(np.max(np.abs(rc / rc.sum() - cc / cc.sum()))),
           "unseen": sorted(c for c, r, k in zip(cats, rc, cc) if r == 0 and k > 0),
           "reference_count": len(ref), "current_count": len(cur)}
    if len(cats) <= 2:
        first = sorted(cats)[0]
        z, p = proportions_ztest([(ref != first).sum(), (cur != first).sum()], [len(ref), len(cur)])
        out["z"] = {"statistic": z, "p_value": p}
    return out


def fairness(cur):
    y, yp, grp = cur["label"].to_numpy(int), cur["prediction"].to_numpy(int), cur["gender"].to_numpy(str)
    mf = MetricFrame(metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
                              "false_positive_rate": false_positive_rate, "accuracy": accuracy_score},
                     y_true=y, y_pred=yp, sensitive_features=grp)
    sizes = pd.Series(grp).value_counts()
    ok = sorted(sizes[sizes >= MIN_GROUP_SIZE].index)
    keep = np.isin(grp, ok)
    kw = {"y_true": y[keep], "y_pred": yp[keep], "sensitive_features": grp[keep]}
    groups = {g: {**{k: float(v) for k, v in row.items()}, "count": int(sizes[g]),
                  "status": "ok" if sizes[g] >= MIN_GROUP_SIZE else "insufficient"}
              for g, row in mf.by_group.iterrows()}
    return {"groups": groups, "demographic_parity_difference": demographic_parity_difference(**kw),
            "demographic_parity_ratio": demographic_parity_ratio(**kw),
            "equalized_odds_difference": equalized_odds_difference(**kw, agg="worst_case"),
            "equal_opportunity_difference": equal_opportunity_difference(**kw)}


def performance(df):
    y, yp, s = df["label"].to_numpy(int), df["prediction"].to_numpy(int), df["score"].to_numpy(float)
    return {"rows": len(df), "accuracy": accuracy_score(y, yp), "precision": precision_score(y, yp),
            "recall": recall_score(y, yp), "f1": f1_score(y, yp), "roc_auc": roc_auc_score(y, s)}


def expected():
    read = lambda name: pd.read_csv(CSV_DIR / name, dtype=str, keep_default_na=False)
    ref, cur = read("reference.csv"), read("current.csv")
    features = {name: numerical(ref[name], cur[name]) for name in NUMERICAL}
    features.update({name: categorical(ref[name], cur[name]) for name in CATEGORICAL})
    # Deciding tests with a reference of 1000 rows (<= 1000): ks for numerical columns with
    # more than 5 values, chi2 for more than 2 categories, z for two (select-method.ts).
    decide = {n: ("z" if "z" in f else "chi2" if "chi2" in f else "ks") for n, f in features.items()}
    names = sorted(features)
    raw = [features[n][decide[n]]["p_value"] for n in names]
    adjusted = stats.false_discovery_control(raw, method="bh")
    for n, q in zip(names, adjusted):
        features[n].update({"method": decide[n], "adjusted_p_value": float(q), "drift_detected": bool(q < 0.05)})
    drifted = sum(features[n]["drift_detected"] for n in names)
    to_int = lambda d: d.assign(label=d["label"].astype(int), prediction=d["prediction"].astype(int))
    pr, pc = performance(to_int(ref)), performance(to_int(cur))
    n_r, n_c = len(ref), len(cur)
    k_r, k_c = round(pr["accuracy"] * n_r), round(pc["accuracy"] * n_c)
    low, upp = confint_proportions_2indep(k_c, n_c, k_r, n_r, method="newcomb", compare="diff")
    return {"features": features, "drift_share": drifted / len(names),
            "performance": {"reference": pr, "current": pc,
                            "accuracy_difference": {"difference": k_c / n_c - k_r / n_r, "ci_low": low, "ci_high": upp}},
            "fairness": {"gender": fairness(to_int(cur))}}


def clean(x):
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return None if math.isnan(v) else v
    return x


write()
fixture = {
    "generator": "scripts/reference/report.py",
    "libraries": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                  "pandas": pd.__version__, "scikit-learn": sklearn.__version__, "fairlearn": fairlearn.__version__,
                  "statsmodels": statsmodels.__version__},
    "csv": ["test/fixtures/report/reference.csv", "test/fixtures/report/current.csv"],
    "minGroupSize": MIN_GROUP_SIZE,
    "expected": expected(),
}
OUT.write_text(json.dumps(clean(fixture), indent=1) + "\n")
print(f"wrote {OUT} and {CSV_DIR}/*.csv")
