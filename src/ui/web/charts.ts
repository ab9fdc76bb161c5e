/**
 * Draws a ChartSpec with Chart.js (registered piecemeal so the bundle carries only bar and line
 * charts). Animation is off: charts are complete as soon as they are drawn (reports, screenshots).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js'
import { axisBounds, type ChartSpec } from '../chart-spec.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Title, Tooltip, Legend)

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f']

export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): Chart {
  const datasets: ChartDataset<'bar' | 'line', (number | null | [number, number])[]>[] = spec.series.map((s, i) => {
    const color = PALETTE[i % PALETTE.length]!
    const as = s.as ?? spec.kind
    return {
      type: as,
      label: s.name,
      data: s.values.map((v) => (v === null || typeof v === 'number' ? v : [v[0], v[1]])),
      backgroundColor: as === 'bar' ? `${color}cc` : color,
      borderColor: color,
      borderWidth: as === 'line' ? 2 : 0,
      borderDash: s.dashed ? [6, 4] : [],
      pointRadius: as === 'line' ? 2 : 0,
      spanGaps: false,
      yAxisID: s.axis === 'right' ? 'y2' : 'y',
    }
  })
  if (spec.refLine) {
    datasets.push({
      type: 'line',
      label: spec.refLine.label,
      data: spec.labels.map(() => spec.refLine!.value),
      borderColor: '#c00',
      borderWidth: 1.5,
      borderDash: [4, 4],
      pointRadius: 0,
      yAxisID: 'y',
    })
  }
  const axes = axisBounds(spec)
  return new Chart(canvas, {
    type: spec.kind,
    data: { labels: [...spec.labels], datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: spec.title }, legend: { position: 'bottom' } },
      scales: {
        y: { ...axes.y, title: { display: spec.yLabel !== undefined, text: spec.yLabel ?? '' } },
        ...(axes.y2 ? { y2: { position: 'right' as const, ...axes.y2, grid: { drawOnChartArea: false }, title: { display: true, text: spec.rightLabel ?? '' } } } : {}),
      },
    },
  })
}

/** Draws every `<canvas data-spec>` under root that has not been drawn yet. */
export function drawAll(root: ParentNode): number {
  let n = 0
  for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[data-spec]:not([data-drawn])')) {
    const chart = drawChart(canvas, JSON.parse(canvas.dataset['spec']!) as ChartSpec)
    // The bounds Chart.js drew each y axis with, for tests to compare with the values.
    canvas.dataset['scales'] = JSON.stringify(Object.fromEntries(Object.entries(chart.scales).filter(([id]) => id.startsWith('y')).map(([id, s]) => [id, { min: s.min, max: s.max }])))
    canvas.dataset['drawn'] = 'true'
    n++
  }
  liveCharts()
  return n
}

/** How many charts Chart.js holds, on the body for tests (`data-charts`): drawn and not yet released. */
function liveCharts(): void {
  document.body.dataset['charts'] = String(Object.keys(Chart.instances).length)
}

/**
 * Destroys the charts drawn under root, before root's content is replaced: Chart.js keeps every
 * chart in a registry of its own, and a detached chart watches the whole document for its canvas
 * to come back (its responsive resize), so a page reloaded every minute kept each old chart and
 * its observer alive.
 */
export function releaseAll(root: ParentNode): number {
  let n = 0
  for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[data-drawn]')) {
    const chart = Chart.getChart(canvas)
    if (chart) {
      chart.destroy()
      n++
    }
  }
  liveCharts()
  return n
}
