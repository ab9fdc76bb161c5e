/**
 * Several connections used as one: each call goes to the member with the fewest calls running,
 * the first such member on a tie. For the embedded engine (src/store/clickhouse.ts): one chDB
 * connection runs its statements one after another, while connections to the same data directory
 * run theirs at the same time, on the one engine and its data. A ClickHouse server gets the same
 * concurrency from @clickhouse/client's own socket pool.
 *
 * A statement sees what every statement that settled before it was issued wrote, on whichever
 * member either ran: all members share one engine. Statements issued together run in no
 * particular order, as they do on a server; no caller relies on more. Pure bookkeeping: no I/O.
 */
export class ConnectionPool<C> {
  private readonly running: number[]
  private readonly calls = new Set<Promise<unknown>>()

  constructor(readonly members: readonly C[]) {
    if (members.length === 0) throw new Error('a connection pool needs at least one connection')
    this.running = members.map(() => 0)
  }

  /** Runs `use` on the least busy member; the member counts as busy until `use` settles. */
  async run<R>(use: (member: C) => Promise<R>): Promise<R> {
    const { running } = this
    let i = 0
    for (let j = 1; j < running.length; j++) if (running[j]! < running[i]!) i = j
    running[i]!++
    const call = use(this.members[i]!)
    const settled = call.then(
      () => undefined,
      () => undefined,
    )
    this.calls.add(settled)
    try {
      return await call
    } finally {
      running[i]!--
      this.calls.delete(settled)
    }
  }

  /** Settles once no call runs, those started meanwhile included: before the members close. */
  async idle(): Promise<void> {
    while (this.calls.size > 0) await Promise.all([...this.calls])
  }
}
