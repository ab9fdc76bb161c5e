/**
 * zod schemas for the kinds of value environment variables hold: whole numbers in a range, one of
 * a few words, ports, host:port lists and URLs. Each refusal says what the variable takes and what
 * it got, except where the value may hold a secret (a URL with credentials): then only the part
 * that is wrong (its scheme, its port) is shown. Pure.
 */
import { z } from 'zod'

/** An integer from min to max, written in decimal (`1.5`, `1e3`, `0x10`, `12abc` refused). */
export const intVar = (min: number, max: number, note = '') =>
  z.string().transform((s, ctx) => {
    const n = /^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}${note}, got ${JSON.stringify(s)}` })
      return z.NEVER
    }
    return n
  })

/** A TCP port; `0` only where the variable means "any free port". */
export const portVar = (min: 0 | 1) => intVar(min, 65535, min === 0 ? ' (0: any free port)' : '')

/** One of a few words, as written. */
export const choiceVar = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `must be one of ${values.join(', ')}, got ${JSON.stringify((iss as { input?: unknown }).input)}` })

/** The problem of one `host:port` entry, or null: a host and a port from 1 to 65535. */
export function hostPortProblem(entry: string): string | null {
  const m = /^([^\s:/]*):([^:]*)$/.exec(entry)
  if (!m) return `"${entry}" is not host:port (like localhost:9092)`
  const [, host = '', port = ''] = m
  if (host === '') return `"${entry}" has no host (write host:port, like localhost:9092)`
  if (port === '') return `"${entry}" has no port (write host:port, like localhost:9092)`
  if (!/^\d+$/.test(port)) return `"${entry}": the port "${port}" is not a number`
  if (Number(port) < 1 || Number(port) > 65535) return `"${entry}": the port ${port} is out of range (1 to 65535)`
  return null
}

/**
 * A comma-separated list whose entries each pass `problemOf` (null: fine); each bad entry is a
 * problem of its own, naming it, at the variable's path (not `VAR.2`).
 */
export const listVar = (what: string, problemOf: (entry: string) => string | null) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .superRefine((entries, ctx) => {
      if (entries.length === 0) ctx.addIssue({ code: 'custom', message: `must list at least one ${what}` })
      for (const entry of entries) {
        const problem = problemOf(entry)
        if (problem) ctx.addIssue({ code: 'custom', message: problem })
      }
    })

/** KAFKA_BROKERS: host:port, host:port. */
export const hostPortListVar = listVar('host:port, like localhost:9092', hostPortProblem)

/**
 * What is wrong with a URL, or null: it must parse, have one of the schemes, a host, and any port
 * it writes out must be a number from 1 to 65535. The value is not quoted (it may hold a password).
 * WHATWG URL takes port 0 and refuses 65536 with a bare "Invalid URL", so the port is read from
 * the text first.
 */
export function urlProblem(value: string, schemes: readonly string[]): string | null {
  // `localhost:8123` reads as the scheme "localhost:".
  if (/^[^:/?#]+:\d+(?:[/?#]|$)/.test(value)) return 'it has no scheme: write it before the host'
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase()
  if (scheme === undefined || !schemes.includes(scheme)) {
    return scheme === undefined ? 'it has no scheme' : `its scheme is "${scheme}:"`
  }
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(value)
  if (!authority) return `"${scheme}:" is not followed by //host`
  const port = authority[2]
  if (port !== undefined && port !== '') {
    // With user:password@ in the URL (an unencoded / or @ in the password shifts what reads as the
    // port), the port is not shown.
    const shown = value.includes('@') ? '' : ` ${/^\d+$/.test(port) ? port : JSON.stringify(port)}`
    if (!/^\d+$/.test(port)) return `its port${shown} is not a number`
    if (Number(port) < 1 || Number(port) > 65535) return `its port${shown} is out of range (1 to 65535)`
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'it does not parse as a URL'
  }
  if (url.hostname === '') return 'it has no host'
  return null
}

/** An http:// or https:// URL; `example` shows the shape in the message. */
export const httpUrlVar = (example: string) =>
  z.string().superRefine((value, ctx) => {
    const problem = urlProblem(value, ['http', 'https'])
    if (problem) ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL, like ${example}; ${problem}` })
  })
