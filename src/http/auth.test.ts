import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadApiTokens, tokenDigest } from '../config/api-tokens.js'
import { loadRuntimeConfig } from '../config/env.js'
import { DriftwatchError } from '../errors.js'
import { rolesOf } from './auth.js'
import { httpSecurity } from './security-policy.js'

const INGEST = 'ingest-token-0123456789'
const ADMIN = 'admin-token-0123456789ab'

describe('API tokens from the environment', () => {
  it('reads role:token pairs from the list and the file, keeping only digests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-tokens-'))
    const file = join(dir, 'tokens')
    writeFileSync(file, `# comment\n\nread:read-token-0123456789\r\nadmin:${ADMIN}\n`)
    const { tokens, problems } = loadApiTokens(` ingest:${INGEST} `, file)
    expect(problems).toEqual([])
    expect(tokens.map((t) => t.role)).toEqual(['ingest', 'read', 'admin'])
    expect(tokens[0]!.sha256.equals(tokenDigest(INGEST))).toBe(true)
    expect(JSON.stringify(tokens)).not.toContain(INGEST)
  })

  it('keeps a colon inside the token', () => {
    expect(loadApiTokens('ingest:a:b:c:0123456789abcdef', undefined).tokens[0]!.sha256.equals(tokenDigest('a:b:c:0123456789abcdef'))).toBe(true)
  })

  it('reports every bad entry by variable and position, never echoing a token', () => {
    const secret = 'super-secret-value-0123456789'
    try {
      loadRuntimeConfig({ DRIFTWATCH_API_TOKENS: `root:${secret},ingest:tiny-tok,nocolon,ingest:${INGEST},admin:${INGEST}`, DRIFTWATCH_API_TOKENS_FILE: '/nonexistent/tokens', DRIFTWATCH_HTTP_PORT: 'x' })
      expect.unreachable()
    } catch (e) {
      const err = e as DriftwatchError
      expect(err.code).toBe('DW_CONFIG_INVALID')
      const problems = err.context['problems'] as string[]
      expect(problems.map((p) => p.split(':')[0])).toEqual([
        'DRIFTWATCH_HTTP_PORT',
        'DRIFTWATCH_API_TOKENS.0',
        'DRIFTWATCH_API_TOKENS.1',
        'DRIFTWATCH_API_TOKENS.2',
        'DRIFTWATCH_API_TOKENS.4',
        'DRIFTWATCH_API_TOKENS_FILE',
      ])
      expect(err.message).not.toContain(secret)
      expect(err.message).not.toContain('tiny-tok')
      expect(err.message).not.toContain(INGEST)
    }
  })

  it('defaults: HTTP on 127.0.0.1:8080, 5 MiB bodies, 10,000 items, no tokens', () => {
    expect(loadRuntimeConfig({}).http).toEqual({ enabled: true, host: '127.0.0.1', port: 8080, bodyLimitBytes: 5 * 1024 * 1024, maxItems: 10_000, tokens: [] })
    expect(loadRuntimeConfig({ DRIFTWATCH_HTTP_PORT: '0', DRIFTWATCH_HTTP_ENABLED: 'false' }).http).toMatchObject({ port: 0, enabled: false })
  })
})

describe('rolesOf (constant-time digest comparison)', () => {
  const tokens = loadApiTokens(`ingest:${INGEST},admin:${ADMIN}`, undefined).tokens
  it.each([
    [`Bearer ${INGEST}`, ['ingest']],
    [`bearer   ${ADMIN} `, ['admin']],
    [`Bearer ${INGEST}x`, []],
    [`Basic ${INGEST}`, []],
    [INGEST, []],
    ['Bearer', []],
    [undefined, []],
  ])('%s -> %j', (header, roles) => {
    expect([...rolesOf(header, tokens)]).toEqual(roles)
  })
})

describe('httpSecurity', () => {
  const kafka = { KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r:8081' }
  it('uses the tokens when there are any', () => {
    expect(httpSecurity(loadRuntimeConfig({ ...kafka, DRIFTWATCH_API_TOKENS: `ingest:${INGEST}`, DRIFTWATCH_HTTP_HOST: '0.0.0.0' })).auth).toBe('tokens')
  })
  it('refuses Kafka mode without tokens, naming the variable', () => {
    expect(() => httpSecurity(loadRuntimeConfig(kafka))).toThrow(/DRIFTWATCH_API_TOKENS: the HTTP API needs at least one token in Kafka mode/)
  })
  it('allows embedded mode without tokens on loopback only', () => {
    expect(httpSecurity(loadRuntimeConfig({})).auth).toBe('open')
    expect(httpSecurity(loadRuntimeConfig({ DRIFTWATCH_HTTP_HOST: '::1' })).auth).toBe('open')
    expect(() => httpSecurity(loadRuntimeConfig({ DRIFTWATCH_HTTP_HOST: '0.0.0.0' }))).toThrow(/DRIFTWATCH_HTTP_HOST: without API tokens/)
  })
})
