/**
 * The contract every streaming detector follows, after River's `DriftDetector`:
 * `update(x)` returns the detector, the flags are read-only, and state resets on the
 * update after a drift.
 */

/** A streaming drift detector: `update` returns the detector, flags are read-only. */
export interface DriftDetector<X = number> {
  update(x: X): this
  /** Whether the last update detected a drift. State resets on the next update. */
  readonly driftDetected: boolean
}

/** A detector with a warning zone (DDM, EDDM, HDDM-A). */
export interface DriftAndWarningDetector<X = number> extends DriftDetector<X> {
  /** Whether the last update left the detector in its warning zone. */
  readonly warningDetected: boolean
}
