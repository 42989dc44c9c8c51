/**
 * A line chart drawn by uPlot (canvas: cheap to redraw every window).
 * The chart is created once and fed new data with setData; its width follows
 * its container. A text summary sits next to it for screen readers.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | null>;
  color: string;
  width?: number;
  dash?: number[];
}

export interface LineChartProps {
  /** x values, ascending (race seconds or ranks). */
  xs: readonly number[];
  series: readonly ChartSeries[];
  title: string;
  xLabel: string;
  yLabel: string;
  height?: number;
  /** One-line text of what the chart shows (for screen readers and as a caption). */
  summary: string;
  /** Show the title as a caption (off when the panel already has a heading). */
  showTitle?: boolean;
}

const AXIS = {
  stroke: '#aab4c0',
  grid: { stroke: 'rgba(170,180,192,0.12)' },
  ticks: { stroke: 'rgba(170,180,192,0.25)' },
};

function toData(xs: readonly number[], series: readonly ChartSeries[]): uPlot.AlignedData {
  return [Array.from(xs), ...series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
}

export function LineChart(props: LineChartProps) {
  const { xs, series, title, xLabel, yLabel, height = 260, summary, showTitle = true } = props;
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The series' identity (labels and colours) decides when the chart must be rebuilt.
  const shape = series.map((s) => `${s.label}|${s.color}|${s.dash?.join(',') ?? ''}`).join(';');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { ...AXIS, label: xLabel, labelSize: 20 },
        { ...AXIS, label: yLabel, labelSize: 20, size: 56 },
      ],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 2,
          dash: s.dash,
          spanGaps: true,
          points: { show: false },
        })),
      ],
    };
    const u = new uPlot(opts, toData(xs, series), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series change identity; data changes go through setData below.
  }, [shape, height, xLabel, yLabel]);

  useEffect(() => {
    plot.current?.setData(toData(xs, series));
  }, [xs, series]);

  return (
    <figure className="chart">
      <figcaption className={showTitle ? undefined : 'sr-only'}>{title}</figcaption>
      <div ref={host} className="chart-host" role="img" aria-label={`${title}: ${summary}`} />
      <p className="sr-only">{summary}</p>
    </figure>
  );
}
