/**
 * Draws a ChartSpec with Chart.js (registered piecemeal so the bundle carries only bar and line
 * charts). Animation is off: charts are complete as soon as they are drawn (reports, screenshots).
 * The value axes' bounds, ticks and tick labels are planned by ./axis-ticks.ts, not by Chart.js,
 * whose labels repeat at large magnitudes ("2E300" on several ticks); tooltips print a value as
 * the figures table under the chart does.
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
import { type ChartSpec, valueText } from '../chart-spec.js'
import { figure } from '../figures.js'
import { type AxisInput, axisInputs, intervalsFor, planAxis } from './axis-ticks.js'

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
      // Past POINTS_UP_TO windows the points would merge into a band: the line alone.
      pointRadius: as === 'line' && spec.labels.length <= POINTS_UP_TO ? 2 : 0,
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
  const axes = axisInputs(spec)
  return new Chart(canvas, {
    type: spec.kind,
    data: { labels: [...spec.labels], datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        title: { display: true, text: spec.title },
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${valueText(tooltipValue(item.raw), (x) => figure(x, 4))}` } },
      },
      scales: {
        y: { ...scaleOptions(axes.y), title: { display: spec.yLabel !== undefined, text: spec.yLabel ?? '' } },
        ...(axes.y2 ? { y2: { position: 'right' as const, ...scaleOptions(axes.y2), grid: { drawOnChartArea: false }, title: { display: true, text: spec.rightLabel ?? '' } } } : {}),
      },
    },
  })
}

/** Up to this many windows on an axis, a line's points are drawn. */
const POINTS_UP_TO = 200

/**
 * A Chart.js linear scale drawn as planned (./axis-ticks.ts): its bounds, and its ticks with their
 * labels in place of Chart.js's own, planned again for the height the layout gives the axis (the
 * hooks run on each layout pass, before Chart.js positions anything from the bounds).
 */
function scaleOptions(input: AxisInput) {
  const first = planAxis(input.values, input.options)
  let labels = new Map<number, string>()
  return {
    min: first.min,
    max: first.max,
    afterBuildTicks: (scale: { height: number; min: number; max: number; ticks: { value: number }[] }) => {
      const plan = planAxis(input.values, { ...input.options, intervals: intervalsFor(scale.height) })
      scale.min = plan.min
      scale.max = plan.max
      scale.ticks = plan.ticks.map((t) => ({ value: t.value }))
      labels = new Map(plan.ticks.map((t) => [t.value, t.label]))
    },
    afterTickToLabelConversion: (scale: { ticks: { value: number; label?: string | string[] }[] }) => {
      for (const t of scale.ticks) t.label = labels.get(t.value) ?? ''
    },
  }
}

/** A data point as Chart.js holds it: a value, or a floating bar's [low, high]. */
const tooltipValue = (raw: unknown) => (typeof raw === 'number' ? raw : Array.isArray(raw) && raw.length === 2 ? ([Number(raw[0]), Number(raw[1])] as const) : null)

/** Draws every `<canvas data-spec>` under root that has not been drawn yet. */
export function drawAll(root: ParentNode): number {
  let n = 0
  for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[data-spec]:not([data-drawn])')) {
    const chart = drawChart(canvas, JSON.parse(canvas.dataset['spec']!) as ChartSpec)
    // The bounds Chart.js drew each y axis with, for tests to compare with the values.
    canvas.dataset['scales'] = JSON.stringify(Object.fromEntries(Object.entries(chart.scales).filter(([id]) => id.startsWith('y')).map(([id, s]) => [id, { min: s.min, max: s.max }])))
    // And the labels of their ticks, as drawn.
    canvas.dataset['ticks'] = JSON.stringify(Object.fromEntries(Object.entries(chart.scales).filter(([id]) => id.startsWith('y')).map(([id, s]) => [id, s.ticks.map((t) => String(t.label))])))
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
