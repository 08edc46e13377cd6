import { Card, Col, Row, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { type CalendarDay, daysInMonth, isoDate, weekday } from './model';

const COLORS = {
  holiday: { background: '#fff1f0', color: '#cf1322', border: '#ffa39e' },
  workday: { background: '#e6f4ff', color: '#0958d9', border: '#91caff' },
  rest: { background: '#fafafa', color: '#8c8c8c', border: '#f0f0f0' },
  work: { background: '#fff', color: '#262626', border: '#f0f0f0' },
} as const;

/** Colour of a date: an exception, or the Mon–Fri rule. */
function styleOf(day: CalendarDay | undefined, wd: number) {
  if (day) return COLORS[day.kind];
  return wd === 0 || wd === 6 ? COLORS.rest : COLORS.work;
}

/** Twelve month grids (weeks start on Monday); clicking a date asks to edit it. */
export function YearGrid({
  year,
  days,
  onPick,
}: {
  year: number;
  days: Map<string, CalendarDay>;
  onPick?: (date: string) => void;
}) {
  const { t } = useTranslation();
  const heads = t('calendar.weekHeads').split(',');
  return (
    <Row gutter={[12, 12]} data-testid="calendar-year">
      {Array.from({ length: 12 }, (_, i) => i + 1).map((month) => {
        const lead = (weekday(year, month, 1) + 6) % 7;
        const n = daysInMonth(year, month);
        return (
          <Col key={month} xs={24} sm={12} md={8} xl={6}>
            <Card size="small" title={t('calendar.month', { month })} styles={{ body: { padding: 8 } }}>
              <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2, fontSize: 12 }}>
                {heads.map((h) => (
                  <div key={h} style={{ textAlign: 'center', color: '#8c8c8c' }}>
                    {h}
                  </div>
                ))}
                {lead > 0 && <div style={{ gridColumn: `span ${lead}` }} />}
                {Array.from({ length: n }, (_, k) => {
                  const d = k + 1;
                  const date = isoDate(year, month, d);
                  const ex = days.get(date);
                  const s = styleOf(ex, weekday(year, month, d));
                  const label = ex
                    ? `${date} ${ex.kind === 'holiday' ? t('calendar.holiday') : t('calendar.workday')}${ex.name ? ` · ${ex.name}` : ''}`
                    : date;
                  return (
                    <Tooltip key={date} title={label} mouseEnterDelay={0.4}>
                      <button
                        type="button"
                        data-testid={`calendar-day-${date}`}
                        data-kind={ex?.kind ?? 'default'}
                        onClick={() => onPick?.(date)}
                        disabled={!onPick}
                        style={{
                          background: s.background,
                          color: s.color,
                          border: `1px solid ${s.border}`,
                          borderRadius: 3,
                          padding: '2px 0',
                          cursor: onPick ? 'pointer' : 'default',
                          fontWeight: ex ? 600 : 400,
                        }}
                      >
                        {d}
                      </button>
                    </Tooltip>
                  );
                })}
              </div>
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

export const LEGEND = COLORS;
