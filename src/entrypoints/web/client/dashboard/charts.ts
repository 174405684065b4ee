import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartOptions } from 'chart.js';
import type { ModelStats } from '../api-types';
import { byId } from '../dom';
import { formatCount, formatMs, formatPercent, formatUsd } from '../format';
import { prefersReducedMotion, readChartTheme, type ChartTheme } from './chart-theme';
import { cacheHitRate } from './model-status';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

type Value = number | null;
type Format = (value: number) => string;

/** "Claude 3 Sonnet (Bedrock)" on two lines, so that long names leave room for the bars on a phone. */
const axisLabel = (name: string): string | string[] => {
  const m = /^(.+) (\(.+\))$/.exec(name);
  return m?.[1] && m[2] ? [m[1], m[2]] : name;
};

/** Axis ticks are round numbers: "5 ms", not "5.00 ms". */
const msTick: Format = (v) => (v >= 1000 ? `${Number((v / 1000).toPrecision(4))} s` : `${Number(v.toPrecision(4))} ms`);

interface SeriesSpec {
  readonly label: string;
  readonly value: (m: ModelStats) => Value;
  /** A fixed colour key; without one, each bar takes its vendor's colour. */
  readonly color?: 'p50' | 'p95';
}

interface ChartSpec {
  readonly canvasId: string;
  readonly series: readonly SeriesSpec[];
  readonly format: Format;
  readonly tick?: Format;
  readonly max?: number;
}

const percent: Format = (v) => formatPercent(v / 100);

const SPECS: readonly ChartSpec[] = [
  { canvasId: 'chart-requests', format: formatCount, series: [{ label: 'Requests', value: (m) => m.requests }] },
  {
    canvasId: 'chart-latency',
    format: formatMs,
    tick: msTick,
    series: [
      { label: 'p50', value: (m) => m.latencyMs?.p50 ?? null, color: 'p50' },
      { label: 'p95', value: (m) => m.latencyMs?.p95 ?? null, color: 'p95' },
    ],
  },
  { canvasId: 'chart-tokens', format: formatCount, series: [{ label: 'Tokens', value: (m) => m.tokens }] },
  { canvasId: 'chart-cost', format: formatUsd, series: [{ label: 'Cost', value: (m) => m.costUsd }] },
  { canvasId: 'chart-approval', format: percent, max: 100, series: [{ label: 'Approval', value: (m) => (m.approval === null ? null : m.approval * 100) }] },
  { canvasId: 'chart-cache', format: percent, max: 100, series: [{ label: 'Cache hit rate', value: (m) => { const r = cacheHitRate(m); return r === null ? null : r * 100; } }] },
];

/** Horizontal bars: model names stay readable on a phone. */
function options(spec: ChartSpec, theme: ChartTheme, nameAt: (index: number) => string): ChartOptions<'bar'> {
  return {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: prefersReducedMotion() ? false : { duration: 350 },
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { display: spec.series.length > 1, position: 'bottom', labels: { color: theme.text, boxWidth: 12, boxHeight: 12 } },
      tooltip: { callbacks: { title: (items) => nameAt(items[0]?.dataIndex ?? -1), label: (ctx) => `${ctx.dataset.label ?? ''}: ${ctx.parsed.x === null ? '—' : spec.format(ctx.parsed.x)}` } },
    },
    scales: {
      x: {
        beginAtZero: true,
        ...(spec.max === undefined ? {} : { max: spec.max }),
        grid: { color: theme.grid },
        border: { display: false },
        ticks: { color: theme.text, maxTicksLimit: 4, maxRotation: 0, ...(spec.format === formatCount ? { precision: 0 } : {}), callback: (v) => (spec.tick ?? spec.format)(Number(v)) },
      },
      y: { grid: { display: false }, border: { display: false }, ticks: { color: theme.text, autoSkip: false } },
    },
  };
}

/**
 * The six charts, each created once. A refresh swaps their data arrays and calls update(): the canvas,
 * its size and the page layout stay as they are, so there is no flicker and nothing jumps.
 */
export class DashboardCharts {
  private theme = readChartTheme();
  private readonly charts: { spec: ChartSpec; chart: Chart<'bar', Value[], string | string[]> }[];
  private lastData = '';
  private lastModels: readonly ModelStats[] = [];
  private readonly nameAt = (index: number): string => this.lastModels[index]?.displayName ?? '';

  constructor() {
    this.charts = SPECS.map((spec) => ({
      spec,
      chart: new Chart<'bar', Value[], string | string[]>(byId<HTMLCanvasElement>(spec.canvasId), {
        type: 'bar',
        data: { labels: [], datasets: spec.series.map((s) => ({ label: s.label, data: [], borderRadius: 4, maxBarThickness: 18, categoryPercentage: 0.8, barPercentage: 0.9 })) },
        options: options(spec, this.theme, this.nameAt),
      }),
    }));
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.retheme());
  }

  update(models: readonly ModelStats[]): void {
    const signature = JSON.stringify(models.map((m) => [m.model, m.displayName, ...this.charts.flatMap((c) => c.spec.series.map((s) => s.value(m)))]));
    if (signature === this.lastData) return;
    this.lastData = signature;
    this.lastModels = models;
    this.apply('default');
  }

  private apply(mode: 'default' | 'none'): void {
    const labels = this.lastModels.map((m) => axisLabel(m.displayName));
    const vendorColors = this.lastModels.map((m) => this.theme.vendor[m.vendor]);
    for (const { spec, chart } of this.charts) {
      chart.data.labels = labels;
      spec.series.forEach((s, i) => {
        const dataset = chart.data.datasets[i];
        if (!dataset) return;
        dataset.data = this.lastModels.map(s.value);
        dataset.backgroundColor = s.color ? this.theme[s.color] : vendorColors;
      });
      chart.update(mode);
    }
  }

  private retheme(): void {
    this.theme = readChartTheme();
    for (const { spec, chart } of this.charts) chart.options = options(spec, this.theme, this.nameAt);
    this.apply('none');
  }
}
