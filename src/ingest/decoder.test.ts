import { describe, expect, it } from 'vitest'
import { DriftwatchError, type ErrorCode } from '../errors.js'
import { Decoder } from './decoder.js'
import { avroType } from './schemas.js'
import { frame } from './wire-format.js'

const failing = (code: ErrorCode, retriable = false) => {
  const calls = { n: 0 }
  const resolver = async (schemaId: number) => {
    calls.n++
    throw new DriftwatchError(code, `schema ${schemaId}: ${code}`, { retriable })
  }
  return { calls, decoder: new Decoder(avroType('ground-truth'), resolver) }
}
const record = frame(42, Buffer.from([0]))

describe('Decoder', () => {
  it('remembers a schema id that can never be used, instead of asking the registry once per record', async () => {
    const { calls, decoder } = failing('DW_DECODE_UNSUPPORTED_SCHEMA')
    for (let i = 0; i < 3; i++) {
      await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: 'DW_DECODE_UNSUPPORTED_SCHEMA' })
    }
    expect(calls.n).toBe(1)
  })

  it('asks again for an id the registry does not know yet, and after a registry outage', async () => {
    for (const [code, retriable] of [['DW_DECODE_UNKNOWN_SCHEMA', false], ['DW_REGISTRY_UNAVAILABLE', true]] as const) {
      const { calls, decoder } = failing(code, retriable)
      for (let i = 0; i < 2; i++) await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code, retriable })
      expect(calls.n).toBe(2)
    }
  })

  it('turns anything else a resolver throws into a retriable registry error whose message cannot throw', async () => {
    const decoder = new Decoder(avroType('ground-truth'), async () => {
      throw Symbol('odd')
    })
    await expect(Promise.resolve().then(() => decoder.decode(record))).rejects.toMatchObject({ code: 'DW_REGISTRY_UNAVAILABLE', retriable: true })
  })

  it('reports a tombstone (null value) as not Avro', () => {
    const { decoder } = failing('DW_DECODE_UNSUPPORTED_SCHEMA')
    expect(() => decoder.decode(null)).toThrow(expect.objectContaining({ code: 'DW_DECODE_NOT_AVRO', message: expect.stringMatching(/tombstone/) }))
  })
})
