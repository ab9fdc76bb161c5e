/**
 * The read API of a running `driftwatch start`, as ReadQueries: the same interface src/read
 * answers in-process, so `driftwatch status` and `driftwatch alerts list` show the same thing
 * either way. Error bodies become DriftwatchErrors with the server's code and message.
 *
 * In embedded mode chDB's data directory is open in one process at a time: while `driftwatch
 * start` holds it (its instance file is live, ./instance-file.ts), the read-only commands ask its
 * read API (runningInstance) instead of opening the directory, with a read or admin token from
 * DRIFTWATCH_API_TOKENS(_FILE) when it needs one.
 */
import { clientToken } from '../config/api-tokens.js'
import { DriftwatchError, ErrorCodes, type ErrorCode } from '../errors.js'
import type { ReadQueries } from '../read/index.js'
import { readInstanceFile } from './instance-file.js'

export interface RunningInstance {
  readonly pid: number
  /** Its HTTP API's base URL. */
  readonly url: string
  /** `work` over the instance's read API; a refused token is said as one actionable line (which variables to set). */
  ask<T>(work: (read: ReadQueries) => Promise<T>): Promise<T>
}

/** The running `driftwatch start` that holds `dataDir`, or null when none does (the store can be opened). */
export function runningInstance(dataDir: string, env: Readonly<Record<string, string | undefined>>): RunningInstance | null {
  const instance = readInstanceFile(dataDir)
  if (!instance) return null
  const read = httpReadQueries(instance.url, clientToken(env))
  return {
    pid: instance.pid,
    url: instance.url,
    async ask(work) {
      try {
        return await work(read)
      } catch (e) {
        if (e instanceof DriftwatchError && (e.code === 'DW_UNAUTHORIZED' || e.code === 'DW_FORBIDDEN')) {
          throw new DriftwatchError(e.code, `driftwatch start (pid ${instance.pid}) holds the data directory and its API refused: set DRIFTWATCH_API_TOKENS or DRIFTWATCH_API_TOKENS_FILE with a read or admin token (${e.message})`)
        }
        throw e
      }
    },
  }
}

const isErrorCode = (code: string): code is ErrorCode => (ErrorCodes as readonly string[]).includes(code)

/**
 * One request to the API at `baseUrl`: the answer's JSON, or a DriftwatchError with the server's
 * code and retriable flag (message: `the running driftwatch at <url> answered <status>: <its
 * message>`; `context.status` and `context.serverMessage` hold the parts).
 */
export async function apiRequest<T>(baseUrl: string, token: string | null, o: { method?: string; path: string; query?: Record<string, string | number | undefined>; body?: unknown; timeoutMs?: number }): Promise<T> {
  const params = new URLSearchParams(Object.entries(o.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]): [string, string] => [k, String(v)]))
  const url = `${baseUrl}${o.path}${params.size ? `?${params}` : ''}`
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(url, {
      method: o.method ?? 'GET', headers, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000), ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    })
  } catch (cause) {
    throw new DriftwatchError('DW_API_UNAVAILABLE', `the running driftwatch at ${baseUrl} did not answer (${(cause as Error).message})`, { cause, retriable: true })
  }
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; retriable?: boolean } } | null
  if (response.ok) return body as T
  const e = body?.error
  const code = e?.code && isErrorCode(e.code) ? e.code : 'DW_INTERNAL'
  const serverMessage = e?.message ?? 'no error body'
  throw new DriftwatchError(code, `the running driftwatch at ${baseUrl} answered ${response.status}: ${serverMessage}`, { retriable: e?.retriable ?? false, status: response.status, serverMessage })
}

export function httpReadQueries(baseUrl: string, token: string | null, timeoutMs = 30_000): ReadQueries {
  const get = <T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> => apiRequest<T>(baseUrl, token, { path, query, timeoutMs })
  const enc = encodeURIComponent
  return {
    models: (o = {}) => get('/v1/models', { ...o }),
    model: (model) => get(`/v1/models/${enc(model)}`),
    windows: (model, o = {}) => get(`/v1/models/${enc(model)}/windows`, { ...o }),
    window: (model, start, version) => get(`/v1/models/${enc(model)}/windows/${enc(start)}`, { version }),
    alerts: (o = {}) => get('/v1/alerts', { ...o }),
    alertDeliveries: (o = {}) => get('/v1/alerts/deliveries', { ...o }),
    comparisons: (model, o = {}) => get(`/v1/models/${enc(model)}/comparisons`, { ...o }),
    deadLetters: (o = {}) => get('/v1/dead-letters', { ...o, raw: o.raw === undefined ? undefined : String(o.raw) }),
  }
}
