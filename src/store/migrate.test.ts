import { describe, expect, it } from 'vitest'
import { loadMigrations, parseMigration } from './migrate.js'

describe('parseMigration', () => {
  it('splits statements, substitutes the database and drops comment-only chunks', () => {
    const m = parseMigration('0002_two_tables.sql', '-- header\nCREATE TABLE {db}.a (x UInt8) ENGINE = Memory;\n\nCREATE TABLE {db}.b (x UInt8) ENGINE = Memory;\n-- trailing\n', 'dw')
    expect(m.version).toBe(2)
    expect(m.name).toBe('two_tables')
    expect(m.statements).toHaveLength(2)
    expect(m.statements[0]).toContain('CREATE TABLE dw.a')
    expect(m.statements[1]).toContain('CREATE TABLE dw.b')
  })

  it('refuses the old {{db}} placeholder, which {db} substitution would turn into broken SQL', () => {
    expect(() => parseMigration('0001_old.sql', 'CREATE TABLE {{db}}.a (x UInt8) ENGINE = Memory;', 'dw')).toThrow(/write \{db\}/)
  })

  it('rejects a badly named file', () => {
    expect(() => parseMigration('init.sql', 'SELECT 1', 'dw')).toThrow(/0001_name\.sql/)
  })

  it('ships migrations numbered without gaps', () => {
    const versions = loadMigrations('dw').map((m) => m.version)
    expect(versions).toEqual(versions.map((_, i) => i + 1))
  })
})
