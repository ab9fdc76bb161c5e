/**
 * A zod schema for configured durations ('90s', '15m', '1h', '1d', '2w' or ms), validated to ms.
 * Every refusal says what a duration looks like and what was given: zod's own message for a value
 * of neither type (`true`, a list, `null`) would be the union's "Invalid input".
 */
import { z } from 'zod'
import { formatDuration, parseDurationMs } from './duration.js'

/** A config value as a problem shows it: `"5x"`, `-5`, `true`, `null`, `a list`, `a map`. */
function shown(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a map'
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v)
  return String(v)
}

/** The problem of a value that is no duration at all: `expected a duration such as 30s, 5m, 1h, 7d, got "5x"`. */
export const notADuration = (v: unknown): string => `expected a duration such as 30s, 5m, 1h, 7d, got ${shown(v)}`

export const durationSchema = (min = 0, max: { readonly ms: number; readonly why: string } | null = null) =>
  z.union([z.string(), z.number()], { error: (iss) => notADuration((iss as { input?: unknown }).input) }).transform((v, ctx) => {
    const ms = parseDurationMs(v)
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: notADuration(v) })
      return z.NEVER
    }
    if (ms < min) {
      ctx.addIssue({ code: 'custom', message: `${shown(v)} is shorter than ${formatDuration(min)}, the shortest allowed here` })
      return z.NEVER
    }
    if (max !== null && ms > max.ms) {
      ctx.addIssue({ code: 'custom', message: `${shown(v)} is longer than ${formatDuration(max.ms)}, the longest allowed here: ${max.why}` })
      return z.NEVER
    }
    return ms
  })
