import { describe, expect, it } from 'vitest'
import { demoCommands, demoUiUrl } from './demo.js'

describe('what the demo prints to see its results', () => {
  it('the status and UI commands on the demo database and settings, runnable as printed', () => {
    expect(demoCommands({ config: '.driftwatch/demo/driftwatch.yaml', database: 'driftwatch_demo', dataDir: '.driftwatch' })).toEqual({
      status: 'DRIFTWATCH_CONFIG=.driftwatch/demo/driftwatch.yaml CLICKHOUSE_DATABASE=driftwatch_demo npx driftwatch status',
      start: 'DRIFTWATCH_CONFIG=.driftwatch/demo/driftwatch.yaml CLICKHOUSE_DATABASE=driftwatch_demo npx driftwatch start',
    })
  })

  it('names a data directory other than the default, quoted when the shell needs it', () => {
    expect(demoCommands({ config: "/tmp/my dir/demo/driftwatch.yaml", database: 'x_demo', dataDir: '/tmp/my dir' }).status)
      .toBe("DRIFTWATCH_DATA_DIR='/tmp/my dir' DRIFTWATCH_CONFIG='/tmp/my dir/demo/driftwatch.yaml' CLICKHOUSE_DATABASE=x_demo npx driftwatch status")
  })
})

describe('the start command the demo prints', () => {
  it('carries a web UI host or port other than the default, so a fresh shell serves where the demo says', () => {
    const o = { config: 'c.yaml', database: 'd_demo', dataDir: '.driftwatch' }
    expect(demoCommands({ ...o, http: { host: '127.0.0.1', port: 8080 } }).start).toBe('DRIFTWATCH_CONFIG=c.yaml CLICKHOUSE_DATABASE=d_demo npx driftwatch start')
    expect(demoCommands({ ...o, http: { host: '0.0.0.0', port: 9000 } }).start).toBe('DRIFTWATCH_CONFIG=c.yaml CLICKHOUSE_DATABASE=d_demo DRIFTWATCH_HTTP_HOST=0.0.0.0 DRIFTWATCH_HTTP_PORT=9000 npx driftwatch start')
  })
})

describe('where the demo says the web UI will be', () => {
  it('at the host and port start will use; none when the HTTP API is off', () => {
    expect(demoUiUrl({ enabled: true, host: '127.0.0.1', port: 8080 })).toBe('http://127.0.0.1:8080/')
    expect(demoUiUrl({ enabled: true, host: '127.0.0.1', port: 18951 })).toBe('http://127.0.0.1:18951/')
    expect(demoUiUrl({ enabled: true, host: '0.0.0.0', port: 9000 })).toBe('http://127.0.0.1:9000/')
    expect(demoUiUrl({ enabled: true, host: '::1', port: 9000 })).toBe('http://[::1]:9000/')
    expect(demoUiUrl({ enabled: true, host: 'localhost', port: 0 })).toBe('http://localhost:<the port it logs>/')
    expect(demoUiUrl({ enabled: false, host: '127.0.0.1', port: 8080 })).toBeNull()
  })
})
