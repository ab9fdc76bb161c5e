/**
 * Streaming concept-drift detectors, ported from River 0.26.1 with the same defaults and
 * the same detection indices (scripts/reference/detectors.py checks them).
 *
 * Real-valued input: Adwin, PageHinkley, Kswin. Binary error input (1 = error): Ddm, Eddm,
 * HddmA, which also have a warning zone.
 */
export { Adwin, type AdwinOptions, type AdwinSnapshot } from './adwin.js'
export { Ddm, type DdmOptions, type DdmSnapshot } from './ddm.js'
export { Eddm, type EddmOptions } from './eddm.js'
export { HddmA, type HddmAOptions } from './hddm-a.js'
export { Kswin, type KswinOptions } from './kswin.js'
export { PageHinkley, type PageHinkleyMode, type PageHinkleyOptions } from './page-hinkley.js'
export type { DriftAndWarningDetector, DriftDetector } from './detector.js'
export { replay, type ReplayResult } from './replay.js'
