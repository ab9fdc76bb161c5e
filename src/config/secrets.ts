/**
 * Connection security and secrets from the environment: Kafka TLS and SASL, ClickHouse TLS, and
 * the pseudonymization key. A secret may be given inline (VAR) or as a file (VAR_FILE, for
 * container secrets); problems name the variable, never the secret. A variable set to an empty
 * value is unset (./unset-empty.ts).
 */
import { readFileSync } from 'node:fs'
import { readFailure } from './read-failure.js'
import { unsetEmpty, type Env } from './unset-empty.js'

export interface KafkaSecurity {
  readonly ssl: boolean | { readonly ca: string[] }
  readonly sasl: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string } | null
}

export interface Secrets {
  readonly kafka: KafkaSecurity
  /** PEM of the CA that signs the ClickHouse server's certificate (https CLICKHOUSE_URL). */
  readonly clickhouseCaCert: string | null
  /** Key for HMAC-SHA256 pseudonymization of personal fields; null when none is configured. */
  readonly pseudonymizationKey: string | null
  readonly problems: readonly string[]
}

function secret(env: Env, name: string, problems: string[]): string | null {
  const inline = env[name]
  const file = env[`${name}_FILE`]
  if (inline && file) problems.push(`${name}: set ${name} or ${name}_FILE, not both`)
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim()
    } catch (e) {
      problems.push(`${name}_FILE: cannot read ${file}: ${readFailure(e)}`)
      return null
    }
  }
  return inline ?? null
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const

export function loadSecrets(given: Env): Secrets {
  const env = unsetEmpty(given)
  const problems: string[] = []
  const caFile = (name: string) => {
    const path = env[name]
    if (!path) return null
    try {
      return readFileSync(path, 'utf8')
    } catch (e) {
      problems.push(`${name}: cannot read ${path}: ${readFailure(e)}`)
      return null
    }
  }
  const kafkaCa = caFile('KAFKA_SSL_CA_FILE')
  const sslFlag = env['KAFKA_SSL']
  if (sslFlag !== undefined && sslFlag !== 'true' && sslFlag !== 'false') problems.push('KAFKA_SSL: must be true or false')
  const mechanism = env['KAFKA_SASL_MECHANISM']?.toLowerCase()
  let sasl: KafkaSecurity['sasl'] = null
  if (mechanism) {
    const username = env['KAFKA_SASL_USERNAME']
    const password = secret(env, 'KAFKA_SASL_PASSWORD', problems)
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) problems.push(`KAFKA_SASL_MECHANISM: must be one of ${MECHANISMS.join(', ')}`)
    if (!username) problems.push('KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM')
    if (!password) problems.push('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM (or KAFKA_SASL_PASSWORD_FILE)')
    if (username && password) sasl = { mechanism: mechanism as (typeof MECHANISMS)[number], username, password }
  }
  const key = secret(env, 'DRIFTWATCH_PSEUDONYMIZATION_KEY', problems)
  if (key !== null && key.length < 16) problems.push('DRIFTWATCH_PSEUDONYMIZATION_KEY: must be at least 16 characters')
  return {
    kafka: { ssl: kafkaCa ? { ca: [kafkaCa] } : sslFlag === 'true', sasl },
    clickhouseCaCert: caFile('CLICKHOUSE_CA_FILE'),
    pseudonymizationKey: key,
    problems,
  }
}
