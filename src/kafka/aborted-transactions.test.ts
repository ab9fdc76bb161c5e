import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { abortedRecordIndexes, installAbortedFilter, leaveOutAborted, type AbortedTransaction, type FetchedRecord } from './aborted-transactions.js'

const require = createRequire(import.meta.url)
const kafkajsFilter = require('kafkajs/src/consumer/filterAbortedMessages.js') as (a: { messages: FetchedRecord[]; abortedTransactions: AbortedTransaction[] }) => FetchedRecord[]

const ABORT = Buffer.from([0, 0, 0, 0])
const COMMIT = Buffer.from([0, 0, 0, 1])
const rec = (offset: number, producerId: string, value: string): FetchedRecord & { value: string } => ({
  offset: String(offset), key: Buffer.from(value), value, batchContext: { producerId, inTransaction: producerId !== 'plain' },
})
const marker = (offset: number, producerId: string, key: Buffer): FetchedRecord & { value: string } => ({
  offset: String(offset), key, value: key.equals(ABORT) ? `abort ${producerId}` : `commit ${producerId}`, isControlRecord: true, batchContext: { producerId, inTransaction: true },
})
const values = (records: readonly (FetchedRecord & { value: string })[], indexes: readonly number[]) => indexes.map((i) => records[i]!.value)

describe('records of aborted transactions', () => {
  // P1 starts (offset 0), P2 starts (1), P1 writes again (2), P2 aborts (3), P1 aborts (4), a
  // plain record (5). The broker lists the aborted transactions in the order they ended.
  const interleaved = [rec(0, '40', 'A1'), rec(1, '41', 'B1'), rec(2, '40', 'A2'), marker(3, '41', ABORT), marker(4, '40', ABORT), rec(5, 'plain', 'ok')]
  const endedOrder: AbortedTransaction[] = [{ producerId: '41', firstOffset: '1' }, { producerId: '40', firstOffset: '0' }]

  it('leaves out every record of two transactions aborted in the other order than they started', () => {
    expect(values(interleaved, abortedRecordIndexes(interleaved, endedOrder))).toEqual(['A1', 'B1', 'A2'])
    // kafkajs 2.2.4's own filter delivers A1: the reason for this module.
    expect(kafkajsFilter({ messages: interleaved, abortedTransactions: endedOrder }).map((r) => (r as unknown as { value: string }).value)).toContain('A1')
  })

  it('leaves out the records of every aborted transaction a fetch starts inside of', () => {
    // A fetch from offset 10: both transactions began before it.
    const records = [rec(10, '41', 'B9'), rec(11, '40', 'A9'), marker(12, '40', ABORT), marker(13, '41', ABORT), rec(14, 'plain', 'ok')]
    const aborted = [{ producerId: '40', firstOffset: '2' }, { producerId: '41', firstOffset: '5' }]
    expect(values(records, abortedRecordIndexes(records, aborted))).toEqual(['B9', 'A9'])
    expect(kafkajsFilter({ messages: records, abortedTransactions: aborted }).map((r) => (r as unknown as { value: string }).value)).toContain('B9')
  })

  it('keeps committed transactions, a producer\'s later transactions and records outside transactions', () => {
    const records = [rec(0, '40', 'A1'), marker(1, '40', ABORT), rec(2, '40', 'A2'), marker(3, '40', COMMIT), rec(4, '41', 'B1'), rec(5, 'plain', 'ok'), marker(6, '41', ABORT), rec(7, '40', 'A3'), marker(8, '40', ABORT)]
    const aborted = [{ producerId: '40', firstOffset: '7' }, { producerId: '41', firstOffset: '4' }, { producerId: '40', firstOffset: '0' }]
    expect(values(records, abortedRecordIndexes(records, aborted))).toEqual(['A1', 'B1', 'A3'])
    expect(abortedRecordIndexes(records, [])).toEqual([])
  })

  it('reads a data record whose key is four zero bytes as data, not as an abort marker', () => {
    const records = [rec(0, '40', 'A1'), { ...rec(1, '40', 'A2'), key: Buffer.from([0, 0, 0, 0]) }, rec(2, '40', 'A3'), marker(3, '40', ABORT)]
    expect(values(records, abortedRecordIndexes(records, [{ producerId: '40', firstOffset: '0' }]))).toEqual(['A1', 'A2', 'A3'])
  })

  it('flags aborted records as control records, keeps them in the fetch and empties the list kafkajs filters by', () => {
    const partition = { abortedTransactions: [...endedOrder], messages: interleaved.map((r) => ({ ...r })) }
    leaveOutAborted({ responses: [{ partitions: [partition] }] })
    expect(partition.abortedTransactions).toEqual([])
    expect(partition.messages.map((r) => r.offset)).toEqual(['0', '1', '2', '3', '4', '5'])
    expect(partition.messages.filter((r) => !r.isControlRecord).map((r) => r.value)).toEqual(['ok'])
  })

  it('wraps the decoders of kafkajs\' fetch responses once', async () => {
    expect(installAbortedFilter()).toBe(true)
    const v11 = require('kafkajs/src/protocol/requests/fetch/v11/response.js') as { decode: unknown }
    const decode = v11.decode
    expect(installAbortedFilter()).toBe(true)
    expect(v11.decode).toBe(decode)
  })
})
