/**
 * A device's readings of one field over a time range (ECharts, bundled: nothing from the
 * internet): the mean of each bucket as a line with its minimum and maximum, the rules' thresholds
 * (red) and clear levels (green) drawn across, and the alarms of those rules shaded.
 */
import { LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPARISON_SIGNS } from '../../../../common/sensors.ts';
import { formatTime } from '../../components/format';
import { type Alarm, type KindRule, nameOf, type Readings } from './api';

echarts.use([
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  MarkAreaComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

export function ReadingsChart({
  readings,
  field,
  rules,
  alarms,
  height = 340,
}: {
  readings: Readings;
  field: string;
  rules: KindRule[];
  alarms: Alarm[];
  height?: number;
}) {
  const { t, i18n } = useTranslation();
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
    const i = readings.fields.findIndex((f) => f.key === field);
    const f = readings.fields[i];
    const unit = f?.unit ?? '';
    const at = (p: Readings['points'][number]) => Date.parse(p.t);
    const series = (pick: 'avg' | 'min' | 'max') =>
      readings.points.map((p) => [at(p), p.values[i]?.[pick] ?? null] as [number, number | null]);
    const mine = rules.filter((r) => r.field === field && r.enabled);
    const from = Date.parse(readings.from);
    const to = Date.parse(readings.to);
    const shaded = alarms.filter(
      (a) =>
        mine.some((r) => r.condition === a.condition) &&
        Date.parse(a.startedAt) < to &&
        (!a.clearedAt || Date.parse(a.clearedAt) > from),
    );
    const name = f ? nameOf(i18n.language, f) : field;
    c.setOption(
      {
        animation: false,
        grid: { left: 56, right: 24, top: 36, bottom: 60 },
        legend: { top: 0, data: [t('sensors.chart.mean'), t('sensors.chart.min'), t('sensors.chart.max')] },
        tooltip: {
          trigger: 'axis',
          valueFormatter: (v: unknown) => (typeof v === 'number' ? `${Number(v.toFixed(2))} ${unit}` : '—'),
        },
        xAxis: { type: 'time', min: from, max: to },
        yAxis: { type: 'value', name: unit ? `${name}（${unit}）` : name, scale: true },
        dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
        series: [
          {
            name: t('sensors.chart.mean'),
            type: 'line',
            showSymbol: readings.points.length < 60,
            connectNulls: false,
            data: series('avg'),
            lineStyle: { width: 2, color: '#1677ff' },
            itemStyle: { color: '#1677ff' },
            markLine: {
              symbol: 'none',
              data: mine.flatMap((r) => [
                {
                  yAxis: r.threshold,
                  lineStyle: { color: '#cf1322', type: 'dashed', width: 1.5 },
                  label: {
                    formatter: `${nameOf(i18n.language, r)} ${COMPARISON_SIGNS[r.comparison]} ${r.threshold}${unit}`,
                    position: 'insideEndTop',
                    color: '#cf1322',
                  },
                },
                ...(r.clearLevel !== r.threshold
                  ? [
                      {
                        yAxis: r.clearLevel,
                        lineStyle: { color: '#389e0d', type: 'dashed', width: 1 },
                        label: {
                          formatter: `${t('sensors.chart.clear')} ${r.clearLevel}${unit}`,
                          position: 'insideEndBottom',
                          color: '#389e0d',
                        },
                      },
                    ]
                  : []),
              ]),
            },
            markArea: {
              silent: true,
              itemStyle: { color: 'rgba(207, 19, 34, 0.08)' },
              data: shaded.map((a) => [
                { xAxis: Math.max(from, Date.parse(a.startedAt)), name: formatTime(a.raisedAt) },
                { xAxis: a.clearedAt ? Math.min(to, Date.parse(a.clearedAt)) : to },
              ]),
            },
          },
          {
            name: t('sensors.chart.min'),
            type: 'line',
            showSymbol: false,
            data: series('min'),
            lineStyle: { width: 1, color: '#91caff' },
            itemStyle: { color: '#91caff' },
          },
          {
            name: t('sensors.chart.max'),
            type: 'line',
            showSymbol: false,
            data: series('max'),
            lineStyle: { width: 1, color: '#ffa39e' },
            itemStyle: { color: '#ffa39e' },
          },
        ],
      },
      true,
    );
    if (el.current) el.current.dataset.points = String(readings.points.length);
  }, [readings, field, rules, alarms, t, i18n.language]);

  return <div ref={el} style={{ height, width: '100%' }} data-testid="sensor-chart" />;
}
