/** Progress for long work: a bar on a terminal, a line every 10% otherwise (CI logs, pipes). */
import cliProgress from 'cli-progress'

export interface Progress {
  increment(n: number): void
  stop(): void
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} ({percentage}%) {eta_formatted} left`, stream }, cliProgress.Presets.shades_classic)
    bar.start(total, 0)
    return { increment: (n) => bar.increment(n), stop: () => bar.stop() }
  }
  let done = 0
  let nextReport = 0.1
  return {
    increment(n) {
      done += n
      if (total <= 0 || done / total < nextReport - 1e-9) return
      stream.write(`${label}: ${done}/${total} (${Math.floor((done / total) * 100)}%)\n`)
      while (done / total >= nextReport - 1e-9) nextReport += 0.1
    },
    stop() {},
  }
}
