/**
 * The per-feature drift setting, one syntax for driftwatch.yaml (`models[].thresholds`,
 * src/config/file.ts) and the report's model file (src/report/config.ts):
 *
 *   thresholds:
 *     income: 0.2                                    # the default method, this threshold
 *     employment: { method: psi, threshold: 0.25 }   # this method and threshold
 *
 * Tests (ks, chi2, z) compare a p-value (drift when below), the others a score (drift when at
 * or above). Validation only (zod, no I/O); ./decide.ts applies it.
 *
 * Ranges, so that a threshold can both flag and clear drift:
 * - a test's p-value threshold is in (0, 1]: at 0 or below nothing is ever flagged, above 1
 *   everything is;
 * - a distance's threshold is > 0 (a score is >= 0, so at 0 or below every window is flagged),
 *   and at most the distance's largest value where it has one: hellinger and linf 1,
 *   jensenshannon sqrt(ln 2) ≈ 0.8326 (natural log, ./jensen-shannon.ts); wasserstein (normed),
 *   psi and kl are unbounded;
 * - a bare number is the default method's threshold, which is a test or a distance depending on
 *   the sample sizes (./select-method.ts), so it is in (0, 1]; a larger distance threshold
 *   names its method.
 */
import { z } from 'zod'
import { unionBranchProblems } from '../../validation-problems.js'

/** Methods a threshold may name (p-value tests first). */
export const TEST_METHODS = ['ks', 'chi2', 'z'] as const
export const DISTANCE_METHODS = ['wasserstein', 'psi', 'jensenshannon', 'hellinger', 'kl', 'linf'] as const
export type ConfigurableMethod = (typeof TEST_METHODS)[number] | (typeof DISTANCE_METHODS)[number]

/** The largest value of a bounded distance: a threshold above it never flags drift. */
const DISTANCE_MAX: Readonly<Partial<Record<ConfigurableMethod, number>>> = { hellinger: 1, linf: 1, jensenshannon: Math.sqrt(Math.LN2) }

const METHOD_LIST = `${TEST_METHODS.join(', ')} (p-value tests) or ${DISTANCE_METHODS.join(', ')} (distances)`
const SHAPES = `a number (the default method's threshold, e.g. income: 0.2) or { method, threshold } (e.g. { method: psi, threshold: 0.25 }) with method one of ${METHOD_LIST}`

const finite = z.number().refine(Number.isFinite, { message: 'threshold must be a finite number' })

/** Why a threshold is out of range for its method, or null. */
export function thresholdRangeProblem(method: ConfigurableMethod | 'default', threshold: number): string | null {
  if (method === 'default') {
    if (threshold > 0 && threshold <= 1) return null
    const hint = threshold > 1 ? `; for a larger distance threshold name the method: { method: psi, threshold: ${threshold} }` : ''
    return `a threshold without a method is the default method's, a p-value test or a distance by sample size, so it must be in (0, 1], got ${threshold}${hint}`
  }
  if ((TEST_METHODS as readonly string[]).includes(method)) {
    return threshold > 0 && threshold <= 1 ? null : `${method} is a test: its threshold is a p-value in (0, 1] (drift when the p-value is below it), got ${threshold}`
  }
  const max = DISTANCE_MAX[method]
  if (threshold <= 0) return `${method} is a distance (drift when the score is at or above the threshold; a score is never below 0): its threshold must be above 0, got ${threshold}`
  if (max !== undefined && threshold > max) return `${method} is at most ${Number(max.toFixed(4))}: a threshold of ${threshold} never flags drift`
  return null
}

// The bounds every method shares are zod checks, so the JSON schema carries them too (editors
// flag a bad value); the method-specific ones are the refinement below.
const bareRange = { error: (iss: { input?: unknown }) => thresholdRangeProblem('default', Number(iss.input)) ?? undefined }
const BareThreshold = finite.gt(0, bareRange).lte(1, bareRange)

const MethodThreshold = z
  .strictObject({
    method: z.enum([...TEST_METHODS, ...DISTANCE_METHODS], { error: (iss) => `${JSON.stringify(iss.input)} is not a drift method: use one of ${METHOD_LIST}` }),
    threshold: finite.gt(0, { error: (iss) => `a threshold must be above 0 (a test's p-value threshold is in (0, 1]; a distance's is above 0, as a score is never below 0), got ${String(iss.input)}` }),
  })
  .superRefine((s, ctx) => {
    const problem = s.threshold > 0 ? thresholdRangeProblem(s.method, s.threshold) : null
    if (problem) ctx.addIssue({ code: 'custom', path: ['threshold'], message: problem })
  })

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v)

export const ThresholdSettingSchema = z.union([BareThreshold, MethodThreshold], {
  // The union's own message would be "Invalid input": report the problems of the shape the value
  // has (a number or an object), else list the accepted shapes.
  error: (iss) => {
    const input = (iss as { input?: unknown }).input
    const branch = typeof input === 'number' ? 0 : isObject(input) ? 1 : -1
    const detail = unionBranchProblems(iss, branch)
    if (detail === undefined) return `expected ${SHAPES}, got ${JSON.stringify(input) ?? String(input)}`
    return branch === 1 ? `${detail} (expected { method: <name>, threshold: <number> })` : detail
  },
})

export const DriftThresholdsSchema = z.record(z.string(), ThresholdSettingSchema)

export type ThresholdSetting = z.infer<typeof ThresholdSettingSchema>
export type DriftThresholds = Readonly<Record<string, ThresholdSetting>>

/** How the p-values of a window's feature tests are adjusted before they are compared. */
export const CorrectionSchema = z.enum(['benjamini-hochberg', 'none'])
