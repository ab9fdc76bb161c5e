/**
 * Pseudonymization of personal fields before anything is stored: HMAC-SHA256 under a secret key,
 * hex-encoded. The same input always maps to the same pseudonym (joins, group counts and erasure
 * by subject keep working), and without the key the pseudonym cannot be reversed or recomputed.
 * Applied to subject_id always, and to the features a model lists under `pii`. The store records
 * a fingerprint of the key (keyFingerprint), and a start with another key is refused while
 * pseudonyms are stored (src/store/model-settings-guard.ts): pseudonyms under two keys never meet.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DriftwatchError } from '../errors.js'

export type Pseudonymize = (value: string) => string

export function createPseudonymizer(key: string): Pseudonymize {
  return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex')
}

/**
 * The key: DRIFTWATCH_PSEUDONYMIZATION_KEY when set. A single embedded process may instead keep
 * a random key in its data directory (created once, mode 0600). With Kafka every instance must
 * share one key, so it has to be configured.
 */
export function resolvePseudonymizationKey(configured: string | null, kafkaMode: boolean, dataDir: string): string {
  if (configured) return configured
  if (kafkaMode) {
    throw new DriftwatchError(
      'DW_CONFIG_INVALID',
      'invalid environment:\n  DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS (all instances must share the key that pseudonymizes personal fields); set it or DRIFTWATCH_PSEUDONYMIZATION_KEY_FILE',
      { problems: ['DRIFTWATCH_PSEUDONYMIZATION_KEY: required with KAFKA_BROKERS'] },
    )
  }
  const file = keyFilePath(dataDir)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  makeDataDir(dataDir)
  const key = randomBytes(32).toString('hex')
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' })
  return key
}

const keyFilePath = (dataDir: string) => join(dataDir, 'pseudonymization.key')

/** A data folder that cannot be created is the user's setting (DW_FILE_UNWRITABLE, exit 2), not a crash. */
function makeDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const reason =
      code === 'EEXIST' || code === 'ENOTDIR' ? 'it, or a folder above it, is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EROFS' ? 'the file system is read-only'
      : null
    if (reason === null) throw e
    throw new DriftwatchError('DW_FILE_UNWRITABLE', `DRIFTWATCH_DATA_DIR: cannot create ${dataDir}: ${reason}; set DRIFTWATCH_DATA_DIR to a folder this user can write (created when missing)`, { cause: e, path: dataDir })
  }
}

/** What decides a deployment's key (RuntimeConfig, src/config/env.ts). */
export interface KeySettings {
  readonly pseudonymizationKey: string | null
  readonly kafka: unknown
  readonly clickhouse: { readonly dataDir: string }
}

/** The pseudonymizer of a deployment: its configured key, or the embedded data directory's. */
export function pseudonymizerFor(config: KeySettings): Pseudonymize {
  return createPseudonymizer(resolvePseudonymizationKey(config.pseudonymizationKey, config.kafka !== null, config.clickhouse.dataDir))
}

/**
 * The text the fingerprint is the HMAC of. Fixed: a fingerprint recorded by one version is
 * compared by the next.
 */
const FINGERPRINT_TEXT = 'driftwatch/pseudonymization-key-fingerprint/v1'

/**
 * What the store records of the key (schemas/clickhouse/0020_pseudonymization_key.sql), never the
 * key: HMAC-SHA256(key, FINGERPRINT_TEXT), hex. Two keys give two fingerprints; the fingerprint
 * no more reveals the key than any stored pseudonym does (it is the pseudonym of a fixed text).
 */
export function keyFingerprint(key: string): string {
  return createHmac('sha256', key).update(FINGERPRINT_TEXT, 'utf8').digest('hex')
}

/** The key a deployment pseudonymizes with, as the store's check compares and names it. */
export interface KeyInUse {
  readonly fingerprint: string
  /** The embedded data directory's key file when DRIFTWATCH_PSEUDONYMIZATION_KEY is not set; null when it is. */
  readonly keyFile: string | null
}

/** Resolves the key as pseudonymizerFor does (in embedded mode, making the key file when missing). */
export function keyInUse(config: KeySettings): KeyInUse {
  const key = resolvePseudonymizationKey(config.pseudonymizationKey, config.kafka !== null, config.clickhouse.dataDir)
  return { fingerprint: keyFingerprint(key), keyFile: config.pseudonymizationKey ? null : keyFilePath(config.clickhouse.dataDir) }
}
