/**
 * Bearer tokens of the HTTP API, from DRIFTWATCH_API_TOKENS (`role:token,role:token`) and/or the
 * file named by DRIFTWATCH_API_TOKENS_FILE (one `role:token` per line; blank lines and lines
 * starting with # are ignored). Only SHA-256 digests are kept, so the configuration can be passed
 * around (and accidentally logged) without exposing a token. Problem messages name the variable
 * and the entry's position, never the token.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { pushAll } from '../arrays.js'
import { readFailure } from './read-failure.js'

export const API_ROLES = ['ingest', 'read', 'admin'] as const
export type ApiRole = (typeof API_ROLES)[number]

export interface ApiToken {
  readonly role: ApiRole
  /** SHA-256 of the token's UTF-8 bytes. */
  readonly sha256: Buffer
}

/** Tokens shorter than this are refused: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16

export const tokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()

const isRole = (s: string): s is ApiRole => (API_ROLES as readonly string[]).includes(s)

function parseEntries(entries: readonly string[], where: (i: number) => string, tokens: ApiToken[], problems: string[]): void {
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':')
    const role = colon < 0 ? '' : entry.slice(0, colon).trim()
    const token = colon < 0 ? '' : entry.slice(colon + 1).trim()
    if (colon < 0) problems.push(`${where(i)}: must be role:token`)
    // The value is not shown: written the other way round (token:role), it is the token.
    else if (!isRole(role)) problems.push(`${where(i)}: the part before ":" is not a role (one of ${API_ROLES.join(', ')}); write role:token (the value is not shown, as it may be a token)`)
    else if (token.length < MIN_TOKEN_LENGTH) problems.push(`${where(i)}: the ${role} token is shorter than ${MIN_TOKEN_LENGTH} characters`)
    else {
      const sha256 = tokenDigest(token)
      if (tokens.some((t) => t.sha256.equals(sha256))) problems.push(`${where(i)}: the same token is listed more than once`)
      else tokens.push({ role, sha256 })
    }
  })
}

export function loadApiTokens(list: string | undefined, file: string | undefined): { tokens: ApiToken[]; problems: string[] } {
  const tokens: ApiToken[] = []
  const problems: string[] = []
  if (list !== undefined && list.trim() !== '') {
    const entries = list.split(',').map((s) => s.trim()).filter(Boolean)
    parseEntries(entries, (i) => `DRIFTWATCH_API_TOKENS.${i}`, tokens, problems)
  }
  if (file !== undefined && file !== '') {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      problems.push(`DRIFTWATCH_API_TOKENS_FILE: cannot read ${file}: ${readFailure(e)}`)
      return { tokens, problems }
    }
    const lines = text.split(/\r?\n/).map((line, n) => ({ line: line.trim(), n: n + 1 }))
    const kept = lines.filter(({ line }) => line !== '' && !line.startsWith('#'))
    parseEntries(kept.map((k) => k.line), (i) => `DRIFTWATCH_API_TOKENS_FILE: ${file}:${kept[i]!.n}`, tokens, problems)
  }
  return { tokens, problems }
}

/**
 * A token for driftwatch's own clients of the API (`driftwatch status` asking a running
 * instance): the first token of DRIFTWATCH_API_TOKENS / _FILE with the first role of `roles`
 * that has one (default: `read`, else `admin`; `alerts mute` asks for `admin`, else `read`, whose
 * 403 then says what is missing); null when there is none (the instance may run without tokens).
 * Invalid entries are skipped here: the instance validates its own configuration.
 */
export function clientToken(env: Readonly<Record<string, string | undefined>> = process.env, roles: readonly ApiRole[] = ['read', 'admin']): string | null {
  const entries: string[] = []
  const list = env['DRIFTWATCH_API_TOKENS']
  if (list) pushAll(entries, list.split(','))
  const file = env['DRIFTWATCH_API_TOKENS_FILE']
  if (file) {
    try {
      pushAll(entries, readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => !l.trim().startsWith('#')))
    } catch {
      // Unreadable: no token from it; the API's 401 then says what is missing.
    }
  }
  const pairs = entries.map((e) => e.trim()).filter((e) => e.includes(':')).map((e) => [e.slice(0, e.indexOf(':')).trim(), e.slice(e.indexOf(':') + 1).trim()] as const)
  for (const wanted of roles) {
    const found = pairs.find(([role]) => role === wanted)
    if (found) return found[1]
  }
  return null
}
