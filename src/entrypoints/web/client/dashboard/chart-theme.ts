import type { Vendor } from '../api-types';

/** Chart colours come from CSS custom properties, so the stylesheet owns light and dark. */
export interface ChartTheme {
  readonly text: string;
  readonly grid: string;
  readonly vendor: Readonly<Record<Vendor, string>>;
  readonly p50: string;
  readonly p95: string;
}

export function readChartTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--muted', '#5b6475'),
    grid: v('--chart-grid', 'rgba(127,127,127,0.18)'),
    vendor: {
      anthropic: v('--vendor-anthropic', '#d97757'),
      openai: v('--vendor-openai', '#10a37f'),
      bedrock: v('--vendor-bedrock', '#e8a317'),
    },
    p50: v('--chart-p50', '#6366f1'),
    p95: v('--chart-p95', '#c084fc'),
  };
}

export const prefersReducedMotion = (): boolean => window.matchMedia('(prefers-reduced-motion: reduce)').matches;
