import { describe, expect, it } from 'vitest'
import { loadRuntimeConfig } from '../config/env.js'
import { asDriftwatchError } from './known-errors.js'

const errno = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields)

describe('asDriftwatchError: a user\'s setting or the infrastructure, not "unexpected error"', () => {
  it('kafkajs errors: brokers not reached, credentials refused, a request refused, and a retry around a bug', () => {
    const config = loadRuntimeConfig({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://r:8081' })
    const kafkaJs = (name: string, message: string, originalError?: Error) => Object.assign(new Error(message), { name, ...(originalError ? { originalError } : {}) })
    const refused = kafkaJs('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1')
    for (const e of [refused, kafkaJs('KafkaJSNumberOfRetriesExceeded', 'Connection error: connect ECONNREFUSED 127.0.0.1:1', refused)]) {
      expect(asDriftwatchError(e, config)).toMatchObject({
        code: 'DW_KAFKA_UNAVAILABLE',
        retriable: true,
        message: 'Kafka: Connection error: connect ECONNREFUSED 127.0.0.1:1: check KAFKA_BROKERS (127.0.0.1:1), that the brokers run and that this machine reaches them',
      })
    }
    const sasl = kafkaJs('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: invalid credentials')
    expect(asDriftwatchError(kafkaJs('KafkaJSNumberOfRetriesExceeded', sasl.message, sasl), config)).toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringMatching(/^Kafka refused this client's credentials: .*check KAFKA_SASL_MECHANISM/) })
    expect(asDriftwatchError(kafkaJs('KafkaJSProtocolError', 'Not authorized to access topics: [Topic authorization failed]'), config))
      .toMatchObject({ code: 'DW_KAFKA_UNAVAILABLE', retriable: false, message: expect.stringMatching(/^Kafka refused a request: Not authorized .*permissions/) })
    // kafkajs retried something of ours that threw: a bug, not Kafka.
    expect(asDriftwatchError(kafkaJs('KafkaJSNumberOfRetriesExceeded', 'x is undefined', new TypeError('x is undefined')), config)).toBeNull()
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

  it('a read-only or full disk refuses a write, whatever call met it, and the data directory is named by its setting', () => {
    const config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: '/srv/dw' })
    const lock = errno("EROFS: read-only file system, open '/srv/dw/chdb.lock.8579-5932c173c940.tmp'", { code: 'EROFS', syscall: 'open', path: '/srv/dw/chdb.lock.8579-5932c173c940.tmp' })
    expect(asDriftwatchError(lock, config)).toMatchObject({
      code: 'DW_FILE_UNWRITABLE',
      message: 'cannot write DRIFTWATCH_DATA_DIR /srv/dw: file /srv/dw/chdb.lock.8579-5932c173c940.tmp: the file system is read-only; choose another path',
    })
    const full = errno("ENOSPC: no space left on device, open '/tmp/out.html'", { code: 'ENOSPC', syscall: 'open', path: '/tmp/out.html' })
    expect(asDriftwatchError(full, config)).toMatchObject({ code: 'DW_FILE_UNWRITABLE', message: 'cannot write file /tmp/out.html: no space left on the device' })
  })

  it('a bug stays a bug', () => {
    expect(asDriftwatchError(new TypeError('x is undefined'), undefined)).toBeNull()
  })
})
