/**
 * Confluent wire format, the framing every Confluent-compatible registry client uses:
 *
 *   byte 0      magic byte 0x00
 *   bytes 1..4  schema id, big-endian uint32 (the registry's global id)
 *   bytes 5..   Avro binary encoding of the record (no container header)
 */
import { DriftwatchError } from '../errors.js'

export const MAGIC_BYTE = 0
export const HEADER_LENGTH = 5

export interface Framed {
  readonly schemaId: number
  readonly payload: Buffer
}

/** The schema id of a framed value, or null when it is not one (unframe says why). */
export function framedSchemaId(value: Buffer | null): number | null {
  return value !== null && value !== undefined && value.length >= HEADER_LENGTH && value[0] === MAGIC_BYTE ? value.readUInt32BE(1) : null
}

export function unframe(value: Buffer | null): Framed {
  if (value === null || value === undefined) {
    throw new DriftwatchError('DW_DECODE_NOT_AVRO', 'value is null (a tombstone); events always have a value')
  }
  if (value.length < HEADER_LENGTH) {
    throw new DriftwatchError('DW_DECODE_NOT_AVRO', `value of ${value.length} bytes is shorter than the 5-byte Confluent header`)
  }
  if (value[0] !== MAGIC_BYTE) {
    throw new DriftwatchError('DW_DECODE_NOT_AVRO', `magic byte is 0x${value[0]!.toString(16).padStart(2, '0')}, expected 0x00 (Confluent wire format)`)
  }
  return { schemaId: value.readUInt32BE(1), payload: value.subarray(HEADER_LENGTH) }
}

export function frame(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH)
  header.writeUInt8(MAGIC_BYTE, 0)
  header.writeUInt32BE(schemaId, 1)
  return Buffer.concat([header, payload])
}
