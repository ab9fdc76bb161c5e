/**
 * Runs one query against a chDB data directory in a process of its own and prints the rows as
 * JSON: a chDB directory belongs to one process at a time, so tests whose pipeline runs in a
 * child process read its results this way, after the child has exited.
 *   tsx test/support/chdb-query.ts <dataDir> <database> <sql with {db}>
 */
import { openStore } from '../../src/store/clickhouse.js'
import { withDatabase } from '../../src/store/query.js'

const [dataDir, database, sql] = process.argv.slice(2)
const store = openStore({ url: null, user: 'default', password: '', database: database!, dataDir: dataDir! })
const rows = await (await store.client.query({ query: withDatabase(sql!, database!), format: 'JSONEachRow' })).json()
process.stdout.write(JSON.stringify(rows))
await store.close()
