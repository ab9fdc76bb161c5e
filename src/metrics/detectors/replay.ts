/**
 * Runs a detector over a finite stream, e.g. to backfill detections over stored values or
 * to compare with River's reference indices.
 */
import type { DriftAndWarningDetector, DriftDetector } from './detector.js'

export interface ReplayResult {
  /** 0-based indices of the updates after which `driftDetected` was true. */
  readonly drifts: number[]
  /** 0-based indices after which `warningDetected` was true; empty without a warning zone. */
  readonly warnings: number[]
}

/** Feeds `values` to `detector` in order and collects the drift and warning indices. */
export function replay<X>(detector: DriftDetector<X>, values: Iterable<X>): ReplayResult {
  const drifts: number[] = []
  const warnings: number[] = []
  const withWarning = 'warningDetected' in detector
  let i = 0
  for (const x of values) {
    detector.update(x)
    if (detector.driftDetected) drifts.push(i)
    if (withWarning && (detector as DriftAndWarningDetector<X>).warningDetected) warnings.push(i)
    i += 1
  }
  return { drifts, warnings }
}
