// A bar or line chart on chart.js (only the parts used are registered, so the
// staff page's chunk stays small). The canvas is an image with a label for
// assistive technology; the numbers are also in a table next to it.
import { useEffect, useRef } from 'react';
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
} from 'chart.js';

// Filler draws the area under a line (fill: true); without it chart.js
// warned on every page that showed a line chart.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend, Filler);

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
          tooltip: { enabled: true },
        },
        scales: {
          x: { grid: { display: !horizontal ? false : true, color: '#e6ebf0' }, ticks: { color: '#4a5866' }, beginAtZero: true },
          y: { grid: { display: horizontal ? false : true, color: '#e6ebf0' }, ticks: { color: '#4a5866' }, beginAtZero: true },
        },
      },
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
