/**
 * Decision support's trend lines (ECharts, bundled: nothing from the internet): per series the
 * cases of each bucket (solid) and of the same bucket a year earlier (dashed, same colour), and
 * the total of every series in grey.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface TrendLine {
  name: string;
  counts: number[];
  lastYear: number[];
}

const COLOURS = ['#1677ff', '#fa8c16', '#52c41a', '#eb2f96', '#13c2c2', '#722ed1'];

export function TrendChart({
  buckets,
  lines,
  total,
  height = 340,
}: {
  buckets: string[];
  lines: TrendLine[];
  total: TrendLine;
  height?: number;
}) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const all = [
      ...lines.map((l, i) => ({ l, colour: COLOURS[i % COLOURS.length] })),
      { l: total, colour: '#8c8c8c' },
    ];
    const lastYear = t('decision.lastYear');
    c.setOption(
      {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', top: 0 },
        grid: { left: 48, right: 24, top: 48, bottom: 32 },
        xAxis: { type: 'category', data: buckets },
        yAxis: { type: 'value', minInterval: 1 },
        series: all.flatMap(({ l, colour }) => [
          {
            name: l.name,
            type: 'line',
            data: l.counts,
            itemStyle: { color: colour },
            lineStyle: { color: colour, width: 2 },
          },
          {
            name: `${l.name}（${lastYear}）`,
            type: 'line',
            data: l.lastYear,
            itemStyle: { color: colour },
            lineStyle: { color: colour, width: 1, type: 'dashed' },
            symbol: 'none',
          },
        ]),
      },
      true,
    );
    el.current?.setAttribute('data-series', String(all.length));
  }, [buckets, lines, total, t]);

  return <div ref={el} data-testid="decision-trend-chart" style={{ width: '100%', height }} />;
}
