/** Small shared pieces of the case screens: state tag, light, deadline countdown, flags, labels. */
import { useQuery } from '@tanstack/react-query';
import { Badge, Space, Tag, Tooltip } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import type { CaseSummary, Light } from './api';

const STATE_COLORS: Record<string, string> = {
  reported: 'cyan',
  verifying: 'geekblue',
  pending_filing: 'blue',
  self_disposed: 'lime',
  pending_dispatch: 'purple',
  dispatched: 'orange',
  in_progress: 'gold',
  returned: 'volcano',
  escalated: 'magenta',
  fed_back: 'green',
  checking: 'geekblue',
  check_failed: 'red',
  pending_close: 'cyan',
  parked: 'default',
  closed: 'success',
  rejected: 'default',
  voided: 'default',
  merged: 'default',
};

export const stateLabel = (t: TFunction, s: string) => t(`case.state.${s}`, { defaultValue: s });
export const actionLabel = (t: TFunction, a: string) => t(`case.action.${a}`, { defaultValue: a });
export const channelLabel = (t: TFunction, c: string) => t(`case.channel.${c}`, { defaultValue: c });
export const stageLabel = (t: TFunction, s: string | null) =>
  s ? t(`case.stage.${s}`, { defaultValue: s }) : '—';
export const timeUnitLabel = (t: TFunction, u: string) => t(`case.timeUnit.${u}`, { defaultValue: u });

export function StateTag({ state, testId = 'case-state' }: { state: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATE_COLORS[state]} data-testid={testId} data-state={state} style={{ marginInlineEnd: 0 }}>
      {stateLabel(t, state)}
    </Tag>
  );
}

const LIGHT_STATUS = { green: 'success', yellow: 'warning', red: 'error' } as const;

export function LightBadge({ light, withText = false }: { light: Light | null; withText?: boolean }) {
  const { t } = useTranslation();
  if (!light) return <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>;
  return (
    <Tooltip title={t(`case.light.${light}`)}>
      <Badge
        status={LIGHT_STATUS[light]}
        text={withText ? t(`case.light.${light}`) : undefined}
        data-testid="case-light"
        data-light={light}
      />
    </Tooltip>
  );
}

/** The current time, re-rendered every `ms` (shared clock for countdowns). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function formatSpan(t: TFunction, ms: number): string {
  const mins = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return t('case.span.dh', { d, h });
  if (h > 0) return t('case.span.hm', { h, m });
  return t('case.span.m', { m });
}

/** "剩余 3小时20分" / "超时 2天1小时" from a due time (wall-clock; the light is the server's). */
export function Countdown({ due, light, now }: { due: string | null; light: Light | null; now?: number }) {
  const { t } = useTranslation();
  const tick = useNow(now === undefined ? 30_000 : 3_600_000);
  if (!due) return <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>;
  const left = new Date(due).getTime() - (now ?? tick);
  const over = left < 0;
  const color = over || light === 'red' ? '#cf1322' : light === 'yellow' ? '#d48806' : '#389e0d';
  return (
    <span style={{ color, whiteSpace: 'nowrap' }} data-testid="case-countdown">
      {over
        ? t('case.countdown.over', { time: formatSpan(t, left) })
        : t('case.countdown.left', { time: formatSpan(t, left) })}
    </span>
  );
}

/** Important / urgent / act-first flags and pending applications. */
export function CaseFlags({ c }: { c: CaseSummary }) {
  const { t } = useTranslation();
  const pending = Object.entries(c.pending ?? {})
    .filter(([, v]) => !!v)
    .map(([k]) => k);
  const tags = [
    c.important && (
      <Tag key="important" color="red" data-testid="flag-important">
        {t('case.flag.important')}
      </Tag>
    ),
    c.urgency === 'urgent' && (
      <Tag key="urgent" color="volcano" data-testid="flag-urgent">
        {t('case.flag.urgent')}
      </Tag>
    ),
    c.actFirst && (
      <Tag key="actFirst" color="purple" data-testid="flag-act-first">
        {t('case.flag.actFirst')}
      </Tag>
    ),
    c.caseLevel === 'city' && (
      <Tag key="city" color="blue">
        {t('case.flag.cityLevel')}
      </Tag>
    ),
    c.urgeCount > 0 && (
      <Tag key="urge" color="magenta">
        {t('case.flag.urged', { n: c.urgeCount })}
      </Tag>
    ),
    c.reworkCount > 0 && (
      <Tag key="rework" color="orange">
        {t('case.flag.rework', { n: c.reworkCount })}
      </Tag>
    ),
    ...pending.map((p) => (
      <Tag key={`pending-${p}`} color="gold" data-testid={`flag-pending-${p}`}>
        {t(`case.pending.${p}`, { defaultValue: p })}
      </Tag>
    )),
  ].filter(Boolean);
  if (tags.length === 0) return null;
  return (
    <Space size={2} wrap>
      {tags}
    </Space>
  );
}

/** Name of a division (district/township/community) by code, cached for the session. */
export function useDivisionName(code: string | null | undefined): string | undefined {
  const { data } = useQuery({
    queryKey: ['geo', 'division', code],
    enabled: !!code,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 30 * 60_000,
    queryFn: () => api.get<ApiResponse<'/api/geo/divisions/{code}', 'get'>>(`/api/geo/divisions/${code}`),
  });
  return data?.name;
}

export function DivisionName({ code }: { code: string | null | undefined }) {
  const name = useDivisionName(code);
  return <>{name ?? code ?? '—'}</>;
}
