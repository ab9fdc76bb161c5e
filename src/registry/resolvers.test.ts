import { describe, expect, it } from 'vitest'
import { classifyRegistryFailure } from './resolvers.js'

/** The shape @kafkajs/confluent-schema-registry rejects with (its ResponseError carries the status). */
const responseError = (status: number, message: string) => Object.assign(new Error(message), { name: 'ResponseError', status })

describe('classifyRegistryFailure', () => {
  it('retries what is the transport or the registry itself: no answer (400 from the HTTP layer), 5xx, 429, auth', () => {
    for (const status of [400, 401, 403, 408, 429, 500, 502, 503, 504]) {
      const e = classifyRegistryFailure(7, responseError(status, 'Confluent_Schema_Registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:1'))
      expect([status, e.code, e.retriable]).toEqual([status, 'DW_REGISTRY_UNAVAILABLE', true])
    }
  })

  it('dead-letters an id the registry does not have', () => {
    const e = classifyRegistryFailure(7, responseError(404, "No content with ID '7' was found."))
    expect([e.code, e.retriable]).toEqual(['DW_DECODE_UNKNOWN_SCHEMA', false])
  })

  it('dead-letters a schema the client cannot parse (no status) or the registry refuses to serve (other 4xx)', () => {
    const parse = classifyRegistryFailure(7, Object.assign(new Error('incompatible field default "x"'), { name: 'ConfluentSchemaRegistryArgumentError' }))
    expect([parse.code, parse.retriable]).toEqual(['DW_DECODE_UNSUPPORTED_SCHEMA', false])
    expect(parse.message).toMatch(/schema 7 cannot be parsed as Avro: incompatible field default/)
    const refused = classifyRegistryFailure(7, responseError(422, 'unprocessable'))
    expect([refused.code, refused.retriable]).toEqual(['DW_DECODE_UNSUPPORTED_SCHEMA', false])
  })

  it('never throws while describing what it got', () => {
    const hostile = {
      get status(): number {
        throw new Error('no')
      },
    }
    expect(() => classifyRegistryFailure(1, Symbol('x'))).not.toThrow()
    expect(() => classifyRegistryFailure(1, null)).not.toThrow()
    expect(() => classifyRegistryFailure(1, { toString: () => { throw new Error('boom') } })).not.toThrow()
    expect(classifyRegistryFailure(1, hostile).code).toBe('DW_DECODE_UNSUPPORTED_SCHEMA')
  })
})
