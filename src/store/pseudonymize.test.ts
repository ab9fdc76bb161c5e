import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPseudonymizer, keyFingerprint, keyInUse, resolvePseudonymizationKey } from './pseudonymize.js'

describe('pseudonymization', () => {
  it('is HMAC-SHA256 hex: stable per key, different across keys', () => {
    const p = createPseudonymizer('k'.repeat(32))
    expect(p('applicant-42')).toBe(createHmac('sha256', 'k'.repeat(32)).update('applicant-42').digest('hex'))
    expect(p('applicant-42')).toBe(p('applicant-42'))
    expect(createPseudonymizer('j'.repeat(32))('applicant-42')).not.toBe(p('applicant-42'))
    expect(p('applicant-42')).toMatch(/^[0-9a-f]{64}$/)
  })

  it('keeps one random key per embedded data directory, readable by its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-key-'))
    const key = resolvePseudonymizationKey(null, false, dir)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(resolvePseudonymizationKey(null, false, dir)).toBe(key)
    expect(statSync(join(dir, 'pseudonymization.key')).mode & 0o777).toBe(0o600)
  })

  it('a data directory that is a file is DW_FILE_UNWRITABLE naming DRIFTWATCH_DATA_DIR, not a raw EEXIST', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dw-key-')), 'a-file')
    writeFileSync(file, 'x')
    for (const dataDir of [file, join(file, 'below')]) {
      expect(() => resolvePseudonymizationKey(null, false, dataDir)).toThrow(expect.objectContaining({ code: 'DW_FILE_UNWRITABLE', message: expect.stringMatching(/^DRIFTWATCH_DATA_DIR: cannot create .*: it, or a folder above it, is a file, not a folder/) }))
    }
  })

  it('requires a configured key with Kafka, and prefers it everywhere', () => {
    expect(() => resolvePseudonymizationKey(null, true, '/nonexistent')).toThrow(/DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS/)
    expect(resolvePseudonymizationKey('c'.repeat(20), true, '/nonexistent')).toBe('c'.repeat(20))
  })

  it('fingerprints the key: HMAC-SHA256 of a fixed text, hex, one per key, and neither the key nor a pseudonym of a usual value', () => {
    const key = 'k'.repeat(32)
    expect(keyFingerprint(key)).toBe(createHmac('sha256', key).update('driftwatch/pseudonymization-key-fingerprint/v1').digest('hex'))
    expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{64}$/)
    expect(keyFingerprint(key)).not.toBe(keyFingerprint('j'.repeat(32)))
    expect(keyFingerprint(key)).not.toContain(key)
    expect(keyFingerprint(key)).not.toBe(createPseudonymizer(key)(''))
  })

  it('the key in use: a configured key names no file; the embedded one names its file, and a file made again is another key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-key-'))
    expect(keyInUse({ pseudonymizationKey: 'c'.repeat(20), kafka: null, clickhouse: { dataDir: dir } })).toEqual({ fingerprint: keyFingerprint('c'.repeat(20)), keyFile: null })
    const embedded = { pseudonymizationKey: null, kafka: null, clickhouse: { dataDir: dir } }
    const first = keyInUse(embedded)
    expect(first).toEqual({ fingerprint: keyFingerprint(resolvePseudonymizationKey(null, false, dir)), keyFile: join(dir, 'pseudonymization.key') })
    expect(keyInUse(embedded)).toEqual(first)
    rmSync(join(dir, 'pseudonymization.key'))
    expect(keyInUse(embedded).fingerprint).not.toBe(first.fingerprint)
  })
})
