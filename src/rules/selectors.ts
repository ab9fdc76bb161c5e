/**
 * A rule's `select:` per metric kind: only the dimensions that metric's rows have. A selector on
 * a dimension the rows lack would select nothing (./condition.ts), so the rule could never fire;
 * it is refused by path instead (`rules.0.select.feature: …`). Pure.
 */
import { z } from 'zod'
import { DETECTOR_NAMES } from './statistics.js'

export const DIMENSIONS = ['model', 'version', 'feature', 'group', 'groupValue', 'detector', 'topic'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** What a selector matches: each value a name, `*` in it matching any run of characters. */
export type Selectors = { readonly [D in Dimension]?: readonly string[] }

const NOUN: Readonly<Record<Dimension, string>> = {
  model: 'model', version: 'model version', feature: 'feature (column)', group: 'protected attribute', groupValue: 'group value',
  detector: 'detector', topic: 'source topic',
}

const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v])
const listError = (what: string, example: string) => () => `expected ${what} or a list of them (* matches any run of characters), e.g. ${example}`

/** One value or a list; `*` in a value matches any run of characters. */
const patterns = (d: Dimension, example: string) =>
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: listError(`a ${NOUN[d]} name`, example) }).transform(asList)

const SCHEMAS = {
  model: patterns('model', 'model: loan-* or model: [fraud, loans]'),
  version: patterns('version', 'version: v2'),
  feature: patterns('feature', 'feature: [income, age]'),
  group: patterns('group', 'group: gender'),
  // '' selects the parity rows of fairness.
  groupValue: z.union([z.string(), z.array(z.string()).min(1)], { error: listError('a group value', "groupValue: female, or '' for the parity rows") }).transform(asList),
  // Only the detectors the evaluator runs have rows.
  detector: patterns('detector', 'detector: adwin').check((p) => {
    for (const [i, name] of p.value.entries()) {
      if (!name.includes('*') && !(DETECTOR_NAMES as readonly string[]).includes(name)) {
        p.issues.push({ code: 'custom', input: name, path: p.value.length > 1 ? [i] : [], message: `"${name}" is not a detector driftwatch runs: one of ${DETECTOR_NAMES.join(', ')}` })
      }
    }
  }),
  topic: patterns('topic', 'topic: predictions'),
} satisfies Record<Dimension, z.ZodType>

/**
 * The selectors of `metric`, whose rows have the dimensions `dims`. Any other key is reported at
 * its own path with the dimensions the metric has.
 */
export function selectorsOf<const D extends readonly Dimension[]>(metric: string, dims: D, why: Partial<Record<Dimension, string>> = {}) {
  const shape = Object.fromEntries(dims.map((d) => [d, SCHEMAS[d].optional()])) as { [K in D[number]]: z.ZodOptional<(typeof SCHEMAS)[K]> }
  return z
    .looseObject(shape, { error: () => `expected a mapping of selectors: ${dims.join(', ')}` })
    .superRefine((v: Record<string, unknown>, ctx) => {
      for (const key of Object.keys(v)) {
        if ((dims as readonly string[]).includes(key)) continue
        const known = (DIMENSIONS as readonly string[]).includes(key)
        const reason = known ? `${metric} rows have no ${NOUN[key as Dimension]}${why[key as Dimension] ? ` (${why[key as Dimension]})` : ''}, so this would select nothing` : `"${key}" is not a selector`
        ctx.addIssue({ code: 'custom', input: v[key], path: [key], message: `${reason}: a ${metric} rule selects by ${dims.join(', ')}` })
      }
    }, { when: (p) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) })
    .transform((v) => Object.fromEntries(dims.filter((d) => v[d as keyof typeof v] !== undefined).map((d) => [d, v[d as keyof typeof v]])) as unknown as { [K in D[number]]?: string[] })
}
