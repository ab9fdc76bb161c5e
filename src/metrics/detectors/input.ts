/**
 * Input and option checks shared by the streaming detectors.
 *
 * Policy for bad input, the same for every detector: `update` throws a RangeError and
 * leaves the detector's state untouched (the check runs before the post-drift reset and
 * before any statistic moves). A NaN or ±Infinity would otherwise poison the running sums
 * for good (ADWIN's total, Page-Hinkley's mean), so that the detector silently never fires
 * again; ignoring it would hide an upstream bug instead. Bad records are the ingest
 * layer's job (dead-letter envelope); reaching a detector with one is a bug.
 */

/** Throws a RangeError unless `x` is a finite number. */
export function requireFinite(detector: string, x: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new RangeError(`${detector}.update: x must be a finite number, got ${String(x)}`)
  }
  return x
}

/**
 * Binary detectors read 1 = error/failure and 0 = correct, as River does. Booleans map to
 * 1/0. Anything else throws a RangeError: River would silently average a 0.5 into DDM's
 * error rate and ignore it in EDDM (`x == 1`), which are two different wrong answers.
 */
export function requireBit(detector: string, x: number | boolean): 0 | 1 {
  if (x === true || x === 1) return 1
  if (x === false || x === 0) return 0
  throw new RangeError(`${detector}.update: x must be 0, 1 or a boolean, got ${String(x)}`)
}

/** Option rules: a predicate and the wording of the error. */
const RULES = {
  positiveInt: [(v: number) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
  nonNegativeInt: [(v: number) => Number.isInteger(v) && v >= 0, 'an integer >= 0'],
  probability: [(v: number) => v > 0 && v < 1, 'in (0, 1)'],
  fraction: [(v: number) => v > 0 && v <= 1, 'in (0, 1]'],
  finite: [(v: number) => Number.isFinite(v), 'a finite number'],
} as const satisfies Record<string, readonly [(v: number) => boolean, string]>

/** Validates a constructor option and returns it; throws a RangeError naming the option. */
export function checkOption(detector: string, name: string, value: number, rule: keyof typeof RULES): number {
  const [ok, want] = RULES[rule]
  if (typeof value !== 'number' || !ok(value)) {
    throw new RangeError(`${detector}: option ${name} must be ${want}, got ${String(value)}`)
  }
  return value
}
