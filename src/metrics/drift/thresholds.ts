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
 */
import { z } from 'zod'

/** Methods a threshold may name (p-value tests first). */
export const TEST_METHODS = ['ks', 'chi2', 'z'] as const
export const DISTANCE_METHODS = ['wasserstein', 'psi', 'jensenshannon', 'hellinger', 'kl', 'linf'] as const
export type ConfigurableMethod = (typeof TEST_METHODS)[number] | (typeof DISTANCE_METHODS)[number]

export const ThresholdSettingSchema = z.union([
  z.number().refine(Number.isFinite, { message: 'threshold must be a finite number' }),
  z.strictObject({
    method: z.enum([...TEST_METHODS, ...DISTANCE_METHODS]),
    threshold: z.number().refine(Number.isFinite, { message: 'threshold must be a finite number' }),
  }),
])

export const DriftThresholdsSchema = z.record(z.string(), ThresholdSettingSchema)

export type ThresholdSetting = z.infer<typeof ThresholdSettingSchema>
export type DriftThresholds = Readonly<Record<string, ThresholdSetting>>

/** How the p-values of a window's feature tests are adjusted before they are compared. */
export const CorrectionSchema = z.enum(['benjamini-hochberg', 'none'])
