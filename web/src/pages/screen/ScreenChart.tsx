/**
 * One ECharts chart of the big screen (bundled: nothing from the internet). The instance is made
 * once and disposed on unmount; a new option is drawn on the same instance (`setOption`, not a new
 * chart), so a screen left running for days does not gather canvases or listeners.
 */
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export function ScreenChart({
  option,
  height,
  testId,
}: {
  option: ChartOption;
  height: number;
  testId?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    return () => {
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: the new data replaces the old (a state that no longer has cases leaves the chart).
    // No animation: a wall display redraws on every live event, and a chart mid-animation reads
    // wrong (and costs the display's CPU for nothing).
    chart.current?.setOption({ animation: false, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={el} data-testid={testId} style={{ width: '100%', height }} />;
}
