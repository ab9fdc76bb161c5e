/**
 * The HTML report's extra cost: `driftwatch report` on 1M current / 200k reference
 * rows (20 numeric + 2 categorical features, label, prediction, score), run as `--format json`
 * and as `--format html` on the same files in the same run, each in its own child process so
 * that each has its own peak RSS (the child reports process.resourceUsage().maxRSS at exit,
 * no /usr/bin/time needed). The HTML page is drawn from the binned counts the JSON already
 * holds, so its extra cost should be the page itself, not a second pass over the rows.
 *
 *   npx tsx scripts/bench/report-html.ts [--current-rows 1000000] [--reference-rows 200000] [--dir D] [--repeats 3]
 *
 * Each format runs `repeats` times, alternating json/html, and the medians are reported (one run
 * of each differs by seconds on a shared machine, more than the HTML page costs).
 *
 * The files are generated once (seeded, no Python needed) under --dir (default
 * $TMPDIR/dw-bench-report-html) and reused while their row counts match. Run alone, it prints
 * the result and writes bench/report-html.json; `npm run bench` calls reportHtmlBenchmark().
 * Timings depend on the machine's load: the load average is recorded with them.
 */
import { execFile } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRng } from '../../src/demo/random.js'

const ROOT = join(import.meta.dirname, '..', '..')
const SEED = 13

export interface ReportHtmlResult {
  readonly report_json_s: number
  readonly report_html_s: number
  readonly report_html_extra_s: number
  readonly report_json_peak_rss_mib: number
  readonly report_html_peak_rss_mib: number
  readonly rows: { readonly current: number; readonly reference: number }
  readonly html_bytes: number
  readonly repeats: number
  /** 1-minute load average before and after: above the core count, wall times are inflated. */
  readonly load_average: readonly [number, number]
}

export interface ReportHtmlOptions {
  readonly currentRows?: number
  readonly referenceRows?: number
  readonly dir?: string
  /** Runs of each format, alternating json/html; the medians are reported (default 3). */
  readonly repeats?: number
}

/** The bench's file shape (as scripts/bench/report_vs_evidently.py): drift in 4 numeric features and `region`. */
function writeCsv(path: string, rows: number, drift: boolean, seed: number): void {
  const u = createRng(seed).next
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())
  const header = [...Array.from({ length: 20 }, (_, i) => `num_${String(i).padStart(2, '0')}`), 'region', 'channel', 'label', 'prediction', 'score']
  const regions = ['north', 'south', 'east', 'west']
  const weights = drift ? [0.4, 0.3, 0.2, 0.1] : [0.25, 0.25, 0.25, 0.25]
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, `${header.join(',')}\n`)
    let chunk = ''
    for (let r = 0; r < rows; r++) {
      const cells: string[] = []
      let n00 = 0
      let n02 = 0
      for (let i = 0; i < 20; i++) {
        const shift = drift && i < 4 ? 0.3 : 0
        const kind = i % 4
        let x: string
        if (kind === 0) x = (50 + 10 * shift + 10 * normal()).toFixed(3)
        else if (kind === 1) x = Math.exp(3 + shift + 0.5 * normal()).toFixed(2)
        else if (kind === 2) x = (u() * (1 + shift)).toFixed(4)
        else x = String(Math.floor(u() * (1000 + 300 * shift)))
        if (i === 0) n00 = Number(x)
        if (i === 2) n02 = Number(x)
        cells.push(x)
      }
      let p = u()
      let region = 0
      while (region < 3 && p >= (weights[region] as number)) p -= weights[region++] as number
      cells.push(regions[region] as string, `ch${Math.floor(u() * 12)}`)
      const score = 1 / (1 + Math.exp(-((n00 - 50) / 10 + (n02 - 0.5) * 2)))
      cells.push(u() < score ? '1' : '0', score >= 0.5 ? '1' : '0', score.toFixed(6))
      chunk += `${cells.join(',')}\n`
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk)
        chunk = ''
      }
    }
    writeSync(fd, chunk)
  } finally {
    closeSync(fd)
  }
}

/** The pair of files for these row counts, generated unless already there. */
export function reportBenchFiles({ currentRows = 1_000_000, referenceRows = 200_000, dir = join(tmpdir(), 'dw-bench-report-html') }: ReportHtmlOptions = {}) {
  mkdirSync(dir, { recursive: true })
  const files = { reference: join(dir, 'reference.csv'), current: join(dir, 'current.csv') }
  const meta = join(dir, 'files.json')
  const wanted = JSON.stringify({ currentRows, referenceRows, seed: SEED, version: 1 })
  const fresh = existsSync(meta) && readFileSync(meta, 'utf8') === wanted && existsSync(files.reference) && existsSync(files.current)
  if (!fresh) {
    writeCsv(files.reference, referenceRows, false, SEED)
    writeCsv(files.current, currentRows, true, SEED + 1)
    writeFileSync(meta, wanted)
  }
  return files
}

// Loaded into the child before the CLI: its own peak RSS on stderr as it exits (KiB).
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\ndw-bench-maxrss-kib '+process.resourceUsage().maxRSS+'\\n'))`

function runReport(files: { reference: string; current: string }, format: 'json' | 'html', output: string): Promise<{ seconds: number; peakRssMib: number }> {
  const args = ['--import', REPORT_RSS, join(ROOT, 'bin', 'driftwatch.js'), 'report', '--reference', files.reference, '--current', files.current, '--format', format, '--output', output]
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
      const seconds = (performance.now() - t0) / 1000
      const rss = /dw-bench-maxrss-kib (\d+)/.exec(stderr)
      if (error || !rss) reject(new Error(`driftwatch report --format ${format} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`))
      else resolve({ seconds, peakRssMib: Number(rss[1]) / 1024 })
    })
  })
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

export async function reportHtmlBenchmark(options: ReportHtmlOptions = {}): Promise<ReportHtmlResult> {
  const files = reportBenchFiles(options)
  const dir = options.dir ?? join(tmpdir(), 'dw-bench-report-html')
  // Warm-up: the first start of the CLI compiles its modules (tsx in a source checkout), which is not the report's cost.
  await new Promise((resolve) => execFile(process.execPath, [join(ROOT, 'bin', 'driftwatch.js'), 'report', '--help'], { cwd: ROOT }, resolve))
  const before = loadavg()[0] as number
  // Alternating, so a change in the machine's load falls on both formats alike; medians of each.
  const runs = { json: [] as { seconds: number; peakRssMib: number }[], html: [] as { seconds: number; peakRssMib: number }[] }
  const repeats = Math.max(1, options.repeats ?? 3)
  for (let i = 0; i < repeats; i++) {
    runs.json.push(await runReport(files, 'json', join(dir, 'report.json')))
    runs.html.push(await runReport(files, 'html', join(dir, 'report.html')))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const json = { seconds: median(runs.json.map((r) => r.seconds)), peakRssMib: median(runs.json.map((r) => r.peakRssMib)) }
  const html = { seconds: median(runs.html.map((r) => r.seconds)), peakRssMib: median(runs.html.map((r) => r.peakRssMib)) }
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { dataset: { current_rows: number; reference_rows: number } }
  return {
    report_json_s: round(json.seconds),
    report_html_s: round(html.seconds),
    report_html_extra_s: round(html.seconds - json.seconds),
    report_json_peak_rss_mib: round(json.peakRssMib, 1),
    report_html_peak_rss_mib: round(html.peakRssMib, 1),
    rows: { current: report.dataset.current_rows, reference: report.dataset.reference_rows },
    html_bytes: statSync(join(dir, 'report.html')).size,
    repeats,
    load_average: [round(before), round(loadavg()[0] as number)],
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name)
    return i > 0 ? process.argv[i + 1] : undefined
  }
  const number = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)))
  const result = await reportHtmlBenchmark({
    ...(number('--current-rows') === undefined ? {} : { currentRows: number('--current-rows') as number }),
    ...(number('--reference-rows') === undefined ? {} : { referenceRows: number('--reference-rows') as number }),
    ...(arg('--dir') === undefined ? {} : { dir: arg('--dir') as string }),
    ...(number('--repeats') === undefined ? {} : { repeats: number('--repeats') as number }),
  })
  const out = JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...result }, null, 2)
  mkdirSync(join(ROOT, 'bench'), { recursive: true })
  writeFileSync(join(ROOT, 'bench', 'report-html.json'), `${out}\n`)
  console.log(out)
}
