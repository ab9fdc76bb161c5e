import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSecrets } from './secrets.js'
import { loadRuntimeConfig } from './env.js'

describe('loadSecrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-secrets-'))

  it('reads SASL credentials inline or from a file, and TLS CAs from files', () => {
    writeFileSync(join(dir, 'pw'), 's3cret-password\n')
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n')
    const s = loadSecrets({
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'dw', KAFKA_SASL_PASSWORD_FILE: join(dir, 'pw'),
      KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'), CLICKHOUSE_CA_FILE: join(dir, 'ca.pem'),
    })
    expect(s.problems).toEqual([])
    expect(s.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'dw', password: 's3cret-password' })
    expect(s.kafka.ssl).toEqual({ ca: [expect.stringContaining('BEGIN CERTIFICATE')] })
    expect(s.clickhouseCaCert).toContain('BEGIN CERTIFICATE')
  })

  it('reports problems by variable and never echoes a secret', () => {
    const s = loadSecrets({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_PASSWORD: 'hunter2-hunter2', KAFKA_SSL: 'yes', DRIFTWATCH_PSEUDONYMIZATION_KEY: 'short' })
    expect(s.problems).toEqual([
      'KAFKA_SSL: must be true or false',
      'KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512',
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM',
      'DRIFTWATCH_PSEUDONYMIZATION_KEY: must be at least 16 characters',
    ])
    expect(s.problems.join(' ')).not.toMatch(/hunter2|short/)
  })

  it('refuses a secret given both inline and as a file, and a file that cannot be read', () => {
    expect(loadSecrets({ DRIFTWATCH_PSEUDONYMIZATION_KEY: 'a'.repeat(20), DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE: join(dir, 'nope') }).problems).toEqual([
      'DRIFTWATCH_PSEUDONYMIZATION_KEY: set DRIFTWATCH_PSEUDONYMIZATION_KEY or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE, not both',
      `DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE: cannot read ${join(dir, 'nope')}: it does not exist`,
    ])
  })

  it('says in words why a certificate file cannot be read: missing, or a directory', () => {
    expect(loadSecrets({ KAFKA_SSL_CA_FILE: join(dir, 'nope.pem'), CLICKHOUSE_CA_FILE: dir }).problems).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'nope.pem')}: it does not exist`,
      `CLICKHOUSE_CA_FILE: cannot read ${dir}: it is a directory, not a file`,
    ])
  })

  it('flows into the runtime config, and its problems fail loadRuntimeConfig', () => {
    const c = loadRuntimeConfig({ KAFKA_BROKERS: 'a:1', SCHEMA_REGISTRY_URL: 'http://r', KAFKA_SSL: 'true', DRIFTWATCH_PSEUDONYMIZATION_KEY: 'k'.repeat(32) })
    expect(c.kafka?.security.ssl).toBe(true)
    expect(c.pseudonymizationKey).toBe('k'.repeat(32))
    expect(() => loadRuntimeConfig({ KAFKA_SSL: 'maybe' })).toThrow(/KAFKA_SSL: must be true or false/)
  })
})
