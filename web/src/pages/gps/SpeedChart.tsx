/**
 * A replay's speed over time (ECharts, bundled: nothing from the internet): the speed of each fix,
 * the stops shaded, and a line at the slider's instant. A click on the chart moves the slider.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../../components/format';
import type { TrackAnalysis } from './api';

echarts.use([
  LineChart,
  GridComponent,
  TooltipComponent,
  MarkLineComponent,
  MarkAreaComponent,
  CanvasRenderer,
]);

export function SpeedChart({
  analysis,
  cursor,
  onPick,
  height = 200,
}: {
  analysis: TrackAnalysis;
  cursor: number;
  onPick: (index: number) => void;
  height?: number;
}) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.getZr().on('click', (e) => {
      const [x] = c.convertFromPixel({ gridIndex: 0 }, [e.offsetX, e.offsetY]) as number[];
      const pts = chartPoints.current;
      if (!pts.length || !Number.isFinite(x)) return;
      let best = 0;
      for (let i = 1; i < pts.length; i++) if (Math.abs(pts[i] - x) < Math.abs(pts[best] - x)) best = i;
      pick.current(best);
    });
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);

  const chartPoints = useRef<number[]>([]);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const times = analysis.points.map((p) => Date.parse(p.time));
    chartPoints.current = times;
    c.setOption(
      {
        animation: false,
        grid: { left: 48, right: 16, top: 24, bottom: 28 },
        tooltip: {
          trigger: 'axis',
          valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)} km/h` : '—'),
        },
        xAxis: { type: 'time', min: Date.parse(analysis.from), max: Date.parse(analysis.to) },
        yAxis: { type: 'value', name: 'km/h', min: 0 },
        series: [
          {
            name: t('gps.field.speed'),
            type: 'line',
            showSymbol: analysis.points.length < 60,
            data: analysis.points.map((p, i) => [times[i], p.speed]),
            lineStyle: { width: 1.5, color: '#1677ff' },
            itemStyle: { color: '#1677ff' },
            areaStyle: { color: 'rgba(22, 119, 255, 0.08)' },
            markArea: {
              silent: true,
              itemStyle: { color: 'rgba(250, 140, 22, 0.15)' },
              data: analysis.stops.map((s) => [
                { xAxis: Date.parse(s.start), name: formatTime(s.start).slice(11, 16) },
                { xAxis: Date.parse(s.end) },
              ]),
            },
            markLine: {
              symbol: 'none',
              silent: true,
              animation: false,
              lineStyle: { color: '#cf1322', width: 1.5, type: 'solid' },
              label: { show: false },
              data: times.length ? [{ xAxis: times[Math.min(cursor, times.length - 1)] }] : [],
            },
          },
        ],
      },
      true,
    );
  }, [analysis, cursor, t]);

  return <div ref={el} style={{ height, width: '100%' }} data-testid="gps-speed-chart" />;
}
