/**
 * Calls to the read API from the page's own origin. The token (role read) lives in
 * sessionStorage: it is sent as a bearer token and forgotten when the tab closes. Servers that
 * run without tokens (embedded mode on loopback) answer without one.
 */
import type { Page } from './api-types.js'

const TOKEN_KEY = 'driftwatch.token'

export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY)
export function setToken(token: string): void {
  if (token.trim() === '') sessionStorage.removeItem(TOKEN_KEY)
  else sessionStorage.setItem(TOKEN_KEY, token.trim())
}

/** An API answer that is not 2xx; status 401/403 means the token is missing or lacks the read role. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

/**
 * GET path?query as JSON. A parameter that is undefined or '' is left out (an empty field of a
 * page's own URL means "not set"), except those named in `keepEmpty`, for which '' is a value.
 */
export async function getJson<T>(path: string, query: Record<string, string | undefined> = {}, keepEmpty: readonly string[] = []): Promise<T> {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && (e[1] !== '' || keepEmpty.includes(e[0]))))
  const url = params.size > 0 ? `${path}?${params}` : path
  const token = getToken()
  const response = await fetch(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } })
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string; error?: { code?: string; message?: string } }
    const code = body.code ?? body.error?.code ?? `HTTP_${response.status}`
    throw new ApiError(response.status, code, body.message ?? body.error?.message ?? response.statusText)
  }
  return (await response.json()) as T
}

/** Every page of a paginated route, following next_cursor. */
export async function getAll<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const page = await getJson<Page<T>>(path, { ...query, ...(cursor ? { cursor } : {}) })
    for (const item of page.items) items.push(item)
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  return items
}
