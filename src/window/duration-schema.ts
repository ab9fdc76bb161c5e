/** A zod schema for configured durations ('90s', '15m', '1h', '1d', '2w' or ms), validated to ms. */
import { z } from 'zod'
import { parseDurationMs } from './duration.js'

export const durationSchema = (min = 0) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = parseDurationMs(v)
    if (ms === null || ms < min) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 90s, 15m, 1h, 1d, 2w (at least ${min} ms)` })
      return z.NEVER
    }
    return ms
  })
