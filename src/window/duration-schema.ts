/** A zod schema for configured durations ('90s', '15m', '1h', '1d', '2w' or ms), validated to ms. */
import { z } from 'zod'
import { formatDuration, parseDurationMs } from './duration.js'

export const durationSchema = (min = 0, max: { readonly ms: number; readonly why: string } | null = null) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = parseDurationMs(v)
    if (ms === null || ms < min) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 90s, 15m, 1h, 1d, 2w (at least ${min} ms)` })
      return z.NEVER
    }
    if (max !== null && ms > max.ms) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is longer than ${formatDuration(max.ms)}, the longest allowed here: ${max.why}` })
      return z.NEVER
    }
    return ms
  })
