/**
 * 考勤打卡: the person's shift now (from the roster), a clock-in and a clock-out button that send
 * the phone's position (POST /api/teams/me/clock; the same fix is also sent as one of their GPS
 * positions, so the nearest-inspector suggestion finds them), and what the check found: late,
 * early leave, no shift, inside the responsibility grids or how far from them.
 */
import { EnvironmentOutlined, LoginOutlined, LogoutOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Spin, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../api/types';
import { formatChina } from '../../components/china-time';
import { mapi } from '../api';
import { useMobile } from '../MobileApp';
import { type Fix, locate } from '../position';

type Today = ApiResponse<'/api/teams/me/today', 'get'>;
type Attendance = ApiResponse<'/api/teams/me/clock', 'post'>;

const STATUS_COLOUR: Record<string, string> = {
  normal: 'green',
  on_duty: 'blue',
  late: 'orange',
  early_leave: 'orange',
  late_early: 'red',
  absent: 'red',
  no_shift: 'default',
  rest: 'default',
  pending: 'default',
  missing_clock_out: 'orange',
};

export function ClockPage() {
  const { t } = useTranslation();
  const { me } = useMobile();
  const qc = useQueryClient();
  const key = ['mobile', 'data', 'clock', me.user.id];
  const today = useQuery({ queryKey: key, queryFn: () => mapi.get<Today>('/api/teams/me/today') });
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Attendance | null>(null);
  const clock = useMutation({
    mutationFn: async (kind: 'in' | 'out') => {
      let fix: Fix;
      try {
        fix = await locate(60_000);
      } catch {
        throw new Error(t('teams.clock.noFix'));
      }
      const at = await mapi.post<Attendance>('/api/teams/me/clock', { kind, lat: fix.lat, lng: fix.lng });
      // The same fix as a position of the person (best effort: the clock is what matters here).
      await mapi
        .post('/api/gps/me/positions', {
          positions: [
            {
              time: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
              lat: fix.lat,
              lng: fix.lng,
            },
          ],
        })
        .catch(() => undefined);
      return at;
    },
    onSuccess: (a) => {
      setError(null);
      setResult(a);
      void qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setError((e as Error).message),
  });

  if (today.isPending) {
    return (
      <div className="m-center">
        <Spin />
      </div>
    );
  }
  const d = today.data;
  const a = result ?? d?.attendance ?? null;
  const clockedIn = !!a?.clockInAt && !a.clockOutAt;
  return (
    <div data-testid="m-clock">
      <div className="m-page-head">
        <h1>{t('teams.clock.title')}</h1>
      </div>
      {today.error && <Alert className="m-alert" type="error" showIcon title={today.error.message} />}
      {d && !d.member && (
        <Alert
          className="m-alert"
          type="info"
          showIcon
          title={t('teams.clock.notMember')}
          data-testid="m-clock-not-member"
        />
      )}
      {d?.member && (
        <div className="m-card" data-testid="m-clock-shift">
          <div className="m-muted">{t('teams.clock.myShift')}</div>
          {d.shift ? (
            <div style={{ fontSize: 18, fontWeight: 600, marginTop: 4 }}>
              {d.shift.name} · {formatChina(d.shift.start, 'MM-DD HH:mm')}–{formatChina(d.shift.end, 'HH:mm')}
            </div>
          ) : (
            <div style={{ fontSize: 16, marginTop: 4 }}>{t('teams.clock.noShiftNow')}</div>
          )}
          <div className="m-muted" style={{ marginTop: 6 }}>
            <EnvironmentOutlined /> {t('teams.clock.grids', { n: d.gridIds.length })}
          </div>
        </div>
      )}
      {d?.member && (
        <div className="m-pad m-actions">
          <Button
            type="primary"
            size="large"
            className="m-big"
            block
            icon={<LoginOutlined />}
            loading={clock.isPending && clock.variables === 'in'}
            disabled={clockedIn || !!a?.clockOutAt}
            onClick={() => clock.mutate('in')}
            data-testid="m-clock-in"
          >
            {t('teams.clock.in')}
          </Button>
          <Button
            size="large"
            className="m-big"
            block
            icon={<LogoutOutlined />}
            loading={clock.isPending && clock.variables === 'out'}
            disabled={!clockedIn}
            onClick={() => clock.mutate('out')}
            data-testid="m-clock-out"
          >
            {t('teams.clock.out')}
          </Button>
        </div>
      )}
      {clockedIn && (
        <Alert
          className="m-alert"
          type="info"
          showIcon
          title={t('teams.clock.tracking')}
          data-testid="m-clock-tracking"
        />
      )}
      {error && <Alert className="m-alert" type="error" showIcon title={error} data-testid="m-clock-error" />}
      {a && (
        <div className="m-card" data-testid="m-clock-result" data-status={a.status}>
          <div className="m-row" style={{ justifyContent: 'space-between', display: 'flex' }}>
            <span>{t('teams.attendance.status')}</span>
            <Tag color={STATUS_COLOUR[a.status]} data-testid="m-clock-status">
              {t(`teams.status.${a.status}`)}
            </Tag>
          </div>
          {a.clockInAt && (
            <div className="m-row" style={{ marginTop: 8 }}>
              {t('teams.attendance.clockIn')}: {formatChina(a.clockInAt, 'HH:mm:ss')}{' '}
              {a.clockInInside === true && <Tag color="green">{t('teams.attendance.inside')}</Tag>}
              {a.clockInInside === false && (
                <Tag color="red">{t('teams.attendance.outside', { m: a.clockInDistanceM ?? '—' })}</Tag>
              )}
              {a.late && <Tag color="orange">{t('teams.status.late')}</Tag>}
            </div>
          )}
          {a.clockOutAt && (
            <div className="m-row" style={{ marginTop: 8 }}>
              {t('teams.attendance.clockOut')}: {formatChina(a.clockOutAt, 'HH:mm:ss')}{' '}
              {a.earlyLeave && <Tag color="orange">{t('teams.status.early_leave')}</Tag>}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
