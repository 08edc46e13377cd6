import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Col, Row, Space, Spin, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { PageContainer } from '../../components/PageContainer';
import { DayDialog } from './DayDialog';
import { DuePreview } from './DuePreview';
import { type CalendarDay, chinaYear, type DaysResult } from './model';
import { WindowsEditor } from './WindowsEditor';
import { LEGEND, YearGrid } from './YearGrid';

/** Working calendar: a year's holidays and make-up workdays, the working windows, a deadline preview. */
export function CalendarPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('calendar:manage') ?? false;
  const [year, setYear] = useState(chinaYear());
  const [picked, setPicked] = useState<string | null>(null);

  const q = useQuery({
    queryKey: ['calendar', 'days', year],
    queryFn: () => api.get<DaysResult>('/api/calendar/days', { year }),
  });
  const days = useMemo(
    () => new Map<string, CalendarDay>((q.data?.days ?? []).map((d) => [d.date, d])),
    [q.data],
  );
  const refresh = () => void qc.invalidateQueries({ queryKey: ['calendar'] });
  const official = q.data?.officialYears;
  const outside = official && (year < official.first || year > official.last);

  return (
    <PageContainer
      testId="page-calendar"
      title={t('calendar.title')}
      extra={
        <Space>
          <Button icon={<LeftOutlined />} onClick={() => setYear((y) => y - 1)} data-testid="calendar-prev" />
          <Typography.Text strong data-testid="calendar-year-label">
            {year}
          </Typography.Text>
          <Button
            icon={<RightOutlined />}
            onClick={() => setYear((y) => y + 1)}
            data-testid="calendar-next"
          />
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Tag color={LEGEND.holiday.color}>{t('calendar.holiday')}</Tag>
        <Tag color={LEGEND.workday.color}>{t('calendar.workday')}</Tag>
        <Tag>{t('calendar.weekend')}</Tag>
        <Typography.Text type="secondary">{t('calendar.hint')}</Typography.Text>
      </Space>
      {outside && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('calendar.noOfficial', { first: official.first, last: official.last })}
          data-testid="calendar-fallback"
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xxl={18}>
          {q.isLoading ? (
            <Spin />
          ) : (
            <YearGrid year={year} days={days} onPick={canManage ? setPicked : undefined} />
          )}
        </Col>
        <Col xs={24} xxl={6}>
          <Space orientation="vertical" style={{ width: '100%' }} size={16}>
            {q.data && canManage && (
              <WindowsEditor windows={q.data.windows} version={q.data.windowsVersion} onSaved={refresh} />
            )}
            <DuePreview />
          </Space>
        </Col>
      </Row>
      <DayDialog
        date={picked}
        current={picked ? days.get(picked) : undefined}
        onClose={() => setPicked(null)}
        onSaved={refresh}
      />
    </PageContainer>
  );
}
