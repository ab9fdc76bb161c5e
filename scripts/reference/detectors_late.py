"""Late labels and the streaming detectors: River fed the stored stream in event order.

The evaluator feeds a model version's errors (1 = wrong prediction) to DDM and ADWIN window by
window, and replays them from a checkpoint when labels arrive after their window was fed
(src/evaluate/detector-replay.ts). Whatever the arrival order, the result must be River fed the
labelled predictions in event order (event_time, then prediction_id). This script builds one
model version's stream over 12 windows, holds back most labels of windows 3 and 7 ("late"),
and records River 0.26.1's detections on
  on_time   the stream of the predictions labelled by the time every window closed
  complete  the stream after the late labels arrived
as 0-based indices into each stream and as event times. The detection times of the two streams
differ (the script asserts it), so a replay that left the late labels out fails the test. Event
times are distinct, so event order is time order (prediction ids are left out of the file).

Writes fixtures/detectors-late.json. Seeded: re-running gives a byte-identical file.
Run: scripts/reference/.venv/bin/python scripts/reference/detectors_late.py
"""

from __future__ import annotations

import json
import platform
import random
from pathlib import Path

import river
from river import drift

OUT = Path(__file__).parent / "fixtures" / "detectors-late.json"
WINDOW_MS = 3_600_000
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
WINDOWS = 12
PER_WINDOW = 250
LATE_WINDOWS = {3: 0.8, 7: 0.8}
# Error rate per window: stable, a jump at window 3 (mostly labelled late), back, a jump at 7.
RATES = [0.1, 0.1, 0.1, 0.5, 0.1, 0.1, 0.1, 0.45, 0.45, 0.45, 0.45, 0.45]


def build() -> list[dict]:
    rng = random.Random(15_08)
    events = []
    for w in range(WINDOWS):
        offsets = rng.sample(range(WINDOW_MS), PER_WINDOW)
        for i, off in enumerate(offsets):
            events.append({
                "t": T0 + w * WINDOW_MS + off,
                "id": f"p-{w:02d}-{i:04d}",
                "e": 1 if rng.random() < RATES[w] else 0,
                "late": 1 if rng.random() < LATE_WINDOWS.get(w, 0.0) else 0,
            })
    events.sort(key=lambda x: (x["t"], x["id"]))
    assert len({x["t"] for x in events}) == len(events)
    return events


def run(factory, stream: list[dict]) -> dict:
    d = factory()
    drifts = []
    for i, x in enumerate(stream):
        d.update(x["e"])
        if d.drift_detected:
            drifts.append(i)
    return {"drifts": drifts, "times": [stream[i]["t"] for i in drifts]}


def main() -> None:
    events = build()
    on_time = [x for x in events if not x["late"]]
    detectors = {"ddm": drift.binary.DDM, "adwin": drift.ADWIN}
    results = {name: {"on_time": run(f, on_time), "complete": run(f, events)} for name, f in detectors.items()}
    for name, r in results.items():
        assert r["on_time"]["times"] != r["complete"]["times"], name
    fixture = {
        "versions": {"python": platform.python_version(), "river": river.__version__},
        "windowMs": WINDOW_MS,
        "t0": T0,
        "windows": WINDOWS,
        "events": {
            "t": [x["t"] for x in events],
            "e": "".join(str(x["e"]) for x in events),
            "late": "".join(str(x["late"]) for x in events),
        },
        "river": results,
    }
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")


if __name__ == "__main__":
    main()
