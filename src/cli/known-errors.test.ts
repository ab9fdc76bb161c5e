import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from '../config/env.js'
import { asDriftwatchError } from './known-errors.js'

const errno = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields)

describe('asDriftwatchError: a user\'s setting or the infrastructure, not "unexpected error"', () => {
  it('any kafkajs error (named KafkaJS…) is DW_KAFKA_UNAVAILABLE naming KAFKA_BROKERS, retriable (exit 1)', () => {
    const config = loadRuntimeConfig({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://r:8081' })
    for (const name of ['KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSSASLAuthenticationError']) {
      const e = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1'), { name })
      expect(asDriftwatchError(e, config)).toMatchObject({
        code: 'DW_KAFKA_UNAVAILABLE',
        retriable: true,
        message: 'Kafka: Connection error: connect ECONNREFUSED 127.0.0.1:1: check KAFKA_BROKERS (127.0.0.1:1), that the brokers run and that this machine reaches them',
      })
    }
  })

  it('listening on an address this machine lacks, or on a name that does not resolve, is DW_CONFIG_INVALID naming DRIFTWATCH_HTTP_HOST', () => {
    const notMine = errno('listen EADDRNOTAVAIL: address not available 10.1.2.3:8080', { code: 'EADDRNOTAVAIL', syscall: 'listen', address: '10.1.2.3', port: 8080 })
    expect(asDriftwatchError(notMine, loadRuntimeConfig({ DRIFTWATCH_HTTP_HOST: '10.1.2.3' }))).toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringMatching(/^DRIFTWATCH_HTTP_HOST: 10\.1\.2\.3 is not an address of this machine/) })
    const unresolvable = errno('getaddrinfo ENOTFOUND nonexistent.invalid', { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'nonexistent.invalid' })
    expect(asDriftwatchError(unresolvable, loadRuntimeConfig({ DRIFTWATCH_HTTP_HOST: 'nonexistent.invalid' }))).toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringMatching(/^DRIFTWATCH_HTTP_HOST: nonexistent\.invalid does not resolve/) })
    // Another host that does not resolve (a ClickHouse or registry host) is not the HTTP host's fault.
    expect(asDriftwatchError(unresolvable, loadRuntimeConfig({}))).toBeNull()
  })

  it('mkdir where a file of that name is: DW_FILE_UNWRITABLE', () => {
    const e = errno("EEXIST: file already exists, mkdir '/etc/passwd'", { code: 'EEXIST', syscall: 'mkdir', path: '/etc/passwd' })
    expect(asDriftwatchError(e, undefined)).toMatchObject({ code: 'DW_FILE_UNWRITABLE', message: 'cannot create the folder /etc/passwd: a file of that name is in the way' })
  })

  it('a bug stays a bug', () => {
    expect(asDriftwatchError(new TypeError('x is undefined'), undefined)).toBeNull()
  })
})
