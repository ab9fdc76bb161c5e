"""Side-by-side benchmark: `driftwatch report` vs Evidently's DataDriftPreset on the same files.

  python scripts/bench/report_vs_evidently.py [--current-rows 1000000] [--reference-rows 200000]
         [--dir /tmp/dw-report-bench] [--out bench/report-vs-evidently.json] [--skip-evidently]

1. Generates a seeded pair of CSV files (numpy Generator, seed 15): 20 numeric features
   (normal, lognormal, uniform, integer), 2 categorical, label, prediction, score; drift injected
   in 4 numeric features and one categorical. Also writes them as Parquet (pyarrow) when
   pyarrow is installed, to time the Parquet path.
2. Runs each tool in its own child process, one after the other (driftwatch first), and
   measures wall time, CPU time (user + system) and peak RSS of that process (/usr/bin/time -v "Maximum resident set size"; ru_maxrss of
   the child as fallback):
   - Evidently (pip install 'evidently==0.7.*' pyarrow): pandas.read_csv of both files, then
     Report([DataDriftPreset()]).run(current, reference). Reading the files is included, as it
     is for driftwatch; the preset's own time is recorded separately.
   - driftwatch: `node bin/driftwatch.js report --reference ... --current ... --output ...`.
3. Writes machine-readable results (JSON) with the versions, the machine and both figures.

Not part of `npm test`. Timings depend on the machine and its load: record them as measured.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 15

EVIDENTLY_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
ref = pd.read_csv(sys.argv[1])
cur = pd.read_csv(sys.argv[2])
t1 = time.perf_counter()
drop = ["label", "prediction", "score"]
snapshot = Report([DataDriftPreset(columns=[c for c in ref.columns if c not in drop])]).run(current_data=cur[[c for c in cur.columns if c not in drop]], reference_data=ref[[c for c in ref.columns if c not in drop]])
d = snapshot.dict()
t2 = time.perf_counter()
drifted = d["metrics"][0]["value"]
print(json.dumps({"read_s": t1 - t0, "preset_s": t2 - t1, "drifted": drifted}, default=str))
"""


def generate(directory: Path, n_cur: int, n_ref: int) -> dict:
    import numpy as np
    import pandas as pd

    g = np.random.default_rng(SEED)

    def frame(n: int, drift: bool) -> "pd.DataFrame":
        cols = {}
        for i in range(20):
            shift = 0.3 if drift and i < 4 else 0.0
            kind = i % 4
            if kind == 0:
                x = np.round(g.normal(50 + 10 * shift, 10, n), 3)
            elif kind == 1:
                x = np.round(g.lognormal(3 + shift, 0.5, n), 2)
            elif kind == 2:
                x = np.round(g.uniform(0, 1 + shift, n), 4)
            else:
                x = g.integers(0, 1000 + int(300 * shift), n)
            cols[f"num_{i:02d}"] = x
        cols["region"] = g.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1] if drift else [0.25] * 4)
        cols["channel"] = g.choice([f"ch{j}" for j in range(12)], n)
        z = (cols["num_00"] - 50) / 10 + (cols["num_02"] - 0.5) * 2
        score = 1 / (1 + np.exp(-z))
        cols["label"] = (g.random(n) < score).astype(int)
        cols["prediction"] = (score >= 0.5).astype(int)
        cols["score"] = np.round(score, 6)
        return pd.DataFrame(cols)

    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, n, drift in (("reference", n_ref, False), ("current", n_cur, True)):
        df = frame(n, drift)
        path = directory / f"{name}.csv"
        df.to_csv(path, index=False)
        files[f"{name}_csv"] = str(path)
        try:
            import pyarrow  # noqa: F401

            pq = directory / f"{name}.parquet"
            df.to_parquet(pq, index=False)
            files[f"{name}_parquet"] = str(pq)
        except ImportError:
            pass
    return files


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Wall time and peak RSS (KiB) of one child process tree."""
    timed = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    t0 = time.perf_counter()
    p = subprocess.run(timed, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    cpu = [re.search(rf"{k} time \(seconds\): ([\d.]+)", p.stderr) for k in ("User", "System")]
    cpu_s = round(sum(float(c.group(1)) for c in cpu), 2) if all(cpu) else None
    rss_kib = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if m:
        rss_kib = int(m.group(1))
    else:
        import resource

        rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"exit_code": p.returncode, "wall_s": round(wall, 3), "cpu_s": cpu_s, "peak_rss_mib": round(rss_kib / 1024, 1), "stdout": p.stdout[-2000:], "stderr": p.stderr[-2000:] if p.returncode else ""}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--current-rows", type=int, default=1_000_000)
    ap.add_argument("--reference-rows", type=int, default=200_000)
    ap.add_argument("--dir", default="/tmp/dw-report-bench")
    ap.add_argument("--out", default=str(ROOT / "bench" / "report-vs-evidently.json"))
    ap.add_argument("--skip-evidently", action="store_true")
    ap.add_argument("--skip-generate", action="store_true")
    ap.add_argument("--parquet", action="store_true", help="also time driftwatch on the Parquet files")
    a = ap.parse_args()
    directory = Path(a.dir)
    if a.skip_generate:
        files = {f"{s}_{e}": str(directory / f"{s}.{e}") for s in ("reference", "current") for e in ("csv", "parquet") if (directory / f"{s}.{e}").exists()}
    else:
        t0 = time.perf_counter()
        files = generate(directory, a.current_rows, a.reference_rows)
        print(f"generated in {time.perf_counter() - t0:.1f} s: {files}", file=sys.stderr)
    results: dict = {
        "rows": {"current": a.current_rows, "reference": a.reference_rows},
        "files": files,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(), "loadavg_before": os.getloadavg()},
    }
    out_json = directory / "driftwatch-report.json"
    dw = measure(["node", str(ROOT / "bin" / "driftwatch.js"), "report", "--reference", files["reference_csv"], "--current", files["current_csv"], "--output", str(out_json)])
    dw.pop("stdout", None)
    if dw["exit_code"] == 0:
        report = json.loads(out_json.read_text())
        dw["drift_share"] = report["dataset"]["drift_share"]
        dw["drifted_features"] = report["dataset"]["drifted_features"]
    results["driftwatch"] = {"node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(), **dw}
    print(f"driftwatch csv: {dw['wall_s']} s, {dw['peak_rss_mib']} MiB", file=sys.stderr)
    if a.parquet and "current_parquet" in files:
        pq = measure(["node", str(ROOT / "bin" / "driftwatch.js"), "report", "--reference", files["reference_parquet"], "--current", files["current_parquet"], "--output", str(directory / "driftwatch-report-parquet.json")])
        pq.pop("stdout", None)
        results["driftwatch_parquet"] = pq
        print(f"driftwatch parquet: {pq['wall_s']} s, {pq['peak_rss_mib']} MiB", file=sys.stderr)
    if not a.skip_evidently:
        import evidently

        ev = measure([sys.executable, "-c", EVIDENTLY_CHILD, files["reference_csv"], files["current_csv"]])
        try:
            ev.update(json.loads(ev["stdout"].strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
        ev.pop("stdout", None)
        results["evidently"] = {"version": evidently.__version__, **ev}
        print(f"evidently: {ev['wall_s']} s, {ev['peak_rss_mib']} MiB", file=sys.stderr)
    if "evidently" in results and results["evidently"]["exit_code"] == 0 and dw["exit_code"] == 0:
        results["speedup"] = round(results["evidently"]["wall_s"] / dw["wall_s"], 2)
        if results["evidently"].get("cpu_s") and dw.get("cpu_s"):
            results["speedup_cpu"] = round(results["evidently"]["cpu_s"] / dw["cpu_s"], 2)
    results["machine"]["loadavg_after"] = os.getloadavg()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "files"}, indent=2))


if __name__ == "__main__":
    main()
