import { connect } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { loadRuntimeConfig } from '../config/env.js'
import { DEFAULT_FILE_CONFIG } from '../config/file.js'
import { ingestLimits } from '../http/limits.js'
import { createHttpServer } from '../http/server.js'
import { createLogger } from '../observability/logger.js'
import { parentExit, runStart, stopAll } from './start.js'

describe('driftwatch start --role', () => {
  it.each(['ingest', 'processor', 'evaluator', 'alerts'] as const)('refuses --role %s without Kafka and a ClickHouse server, before starting anything', async (role) => {
    await expect(runStart(loadRuntimeConfig({}), createLogger('silent'), role)).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining(`--role ${role} needs KAFKA_BROKERS and CLICKHOUSE_URL`) })
    const kafkaOnly = loadRuntimeConfig({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1' })
    await expect(runStart(kafkaOnly, createLogger('silent'), role)).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID' })
  })
})

describe('stopAll: the stop sequence of driftwatch start', () => {
  const never = () => new Promise<void>(() => {})
  function recorder(httpClose: () => Promise<void>, appStop: () => Promise<void> = async () => {}) {
    const calls: string[] = []
    const parts = {
      http: { close: () => (calls.push('http.close'), httpClose().then(() => void calls.push('http closed'))) },
      readiness: { close: async () => void calls.push('readiness.close') },
      app: { stop: () => (calls.push('app.stop'), appStop().then(() => void calls.push('app stopped'))) },
    }
    return { calls, parts }
  }

  it('stops the pipeline even when the HTTP server never finishes closing (a client holding a request open)', async () => {
    const { calls, parts } = recorder(never)
    expect(await stopAll(parts, 1000, createLogger('silent'))).toBe('stopped')
    expect(calls).toEqual(['http.close', 'readiness.close', 'app.stop', 'app stopped'])
  })

  it('closes HTTP first and waits for it while it closes within its share', async () => {
    const { calls, parts } = recorder(async () => {})
    expect(await stopAll(parts, 1000, createLogger('silent'))).toBe('stopped')
    expect(calls).toEqual(['http.close', 'http closed', 'readiness.close', 'app.stop', 'app stopped'])
  })

  it('stops the pipeline when the HTTP server fails to close', async () => {
    const { calls, parts } = recorder(async () => {
      throw new Error('close failed')
    })
    expect(await stopAll(parts, 1000, createLogger('silent'))).toBe('stopped')
    expect(calls).toEqual(['http.close', 'readiness.close', 'app.stop', 'app stopped'])
  })

  it('is a timeout when the pipeline does not stop within the budget', async () => {
    const { parts } = recorder(async () => {}, never)
    expect(await stopAll(parts, 200, createLogger('silent'))).toBe('timeout')
  })

  it('with a stalled upload on the real server: the connection is closed, HTTP closes, then the pipeline stops', async () => {
    const publisher = { publishPredictions: async () => {}, publishGroundTruth: async () => {} }
    const server = createHttpServer({ publisher, limits: ingestLimits(DEFAULT_FILE_CONFIG, 10), security: { auth: 'open' }, bodyLimitBytes: 1 << 20, logger: createLogger('silent'), closeGraceMs: 100 })
    await server.listen({ host: '127.0.0.1', port: 0 })
    const port = (server.server.address() as { port: number }).port
    const socket = connect(port, '127.0.0.1')
    let received = ''
    const socketClosed = new Promise<void>((r) => socket.on('close', () => r()))
    socket.setEncoding('utf8').on('data', (d: string) => (received += d)).on('error', () => {})
    // Headers and part of the body, then nothing (as a client that stalled mid-upload).
    await new Promise<void>((r) => socket.write(`POST /v1/predictions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n[{"prediction_id":`, () => r()))
    await new Promise((r) => setTimeout(r, 50))

    const { calls, parts } = recorder(() => server.close())
    expect(await stopAll(parts, 5000, createLogger('silent'))).toBe('stopped')
    expect(calls).toEqual(['http.close', 'http closed', 'readiness.close', 'app.stop', 'app stopped'])
    await socketClosed
    expect(received).toBe('')
  })
})

describe('parentExit: the stop of a start whose parent is gone', () => {
  it('settles once the parent process id changes, not before, and stops polling when asked', async () => {
    vi.useFakeTimers()
    try {
      let ppid = 42
      const watch = parentExit(1000, () => ppid)
      let settled: string | null = null
      void watch.exited.then((why) => (settled = why))
      await vi.advanceTimersByTimeAsync(5000)
      expect(settled).toBeNull()
      ppid = 1
      await vi.advanceTimersByTimeAsync(1000)
      expect(settled).toBe('parent exited')

      const stopped = parentExit(1000, () => ppid)
      stopped.stop()
      ppid = 7
      let after: string | null = null
      void stopped.exited.then((why) => (after = why))
      await vi.advanceTimersByTimeAsync(5000)
      expect(after).toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })
})
