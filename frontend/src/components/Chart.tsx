// A bar or line chart on chart.js (only the parts used are registered, so the
// staff page's chunk stays small). The canvas is an image with a label for
// assistive technology; the numbers are also in a table next to it.
import { useEffect, useRef } from 'react';
import { formatNumber } from '../lib/format';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
  Filler,
  type ChartConfiguration,
  type Plugin,
  type TooltipItem,
} from 'chart.js';

// Filler draws the area under a line (fill: true); without it chart.js
// warned on every page that showed a line chart.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend, Filler);

/**
 * Numbers on the value axis and in tooltips as the rest of the app writes
 * them (lib/format.ts): chart.js's own Intl formatting knows no Azerbaijani
 * in Chromium and showed "1,500" where the page beside it says "1.500".
 */
export function numberFormatting(locale: string, horizontal = false) {
  const tick = (value: number | string) => (typeof value === 'number' ? formatNumber(value, locale, { maximumFractionDigits: 2 }) : value);
  const label = (ctx: TooltipItem<'bar' | 'line'>) => {
    const v = horizontal ? ctx.parsed.x : ctx.parsed.y;
    const text = typeof v === 'number' ? formatNumber(v, locale, { maximumFractionDigits: 2 }) : String(ctx.raw);
    return ctx.dataset.label ? `${ctx.dataset.label}: ${text}` : text;
  };
  return { tick, label };
}

/** The value axis's tick labels as drawn, on the canvas's data-ticks (for tests and inspection). */
const ticksOnCanvas: Plugin<'bar' | 'line'> = {
  id: 'ticksOnCanvas',
  afterUpdate(chart) {
    const axis = chart.options.indexAxis === 'y' ? chart.scales.x : chart.scales.y;
    if (axis) chart.canvas.dataset.ticks = axis.ticks.map((t) => String(t.label)).join('|');
  },
};

export interface Series {
  label: string;
  values: number[];
  color: string;
}

export function SimpleChart({
  kind,
  labels,
  series,
  ariaLabel,
  horizontal,
  locale,
  height = 260,
}: {
  kind: 'bar' | 'line';
  labels: string[];
  series: Series[];
  ariaLabel: string;
  horizontal?: boolean;
  locale: string;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const numbers = numberFormatting(locale, horizontal);
    const valueTicks = { color: '#4a5866', callback: numbers.tick };
    const categoryTicks = { color: '#4a5866' };
    const config: ChartConfiguration<'bar' | 'line'> = {
      type: kind,
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: kind === 'bar' ? s.color : `${s.color}33`,
          borderColor: s.color,
          borderWidth: kind === 'line' ? 2 : 0,
          borderRadius: kind === 'bar' ? 4 : 0,
          tension: 0,
          fill: kind === 'line',
          pointRadius: 3,
        })),
      },
      options: {
        locale,
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: series.length > 1, position: 'bottom', labels: { color: '#33414e', boxWidth: 12 } },
          tooltip: { enabled: true, callbacks: { label: numbers.label } },
        },
        scales: {
          x: { grid: { display: !horizontal ? false : true, color: '#e6ebf0' }, ticks: horizontal ? valueTicks : categoryTicks, beginAtZero: true },
          y: { grid: { display: horizontal ? false : true, color: '#e6ebf0' }, ticks: horizontal ? categoryTicks : valueTicks, beginAtZero: true },
        },
      },
      plugins: [ticksOnCanvas],
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [kind, labels, series, horizontal, locale]);
  return (
    <div className="chart" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={ariaLabel} />
    </div>
  );
}
