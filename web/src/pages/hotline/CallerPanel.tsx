/**
 * Who is calling: the number and line, and the caller's history — their earlier calls to the
 * hotline (what each was about, the case it made) and their reports on any channel, each with the
 * public status of its case now.
 */
import { HistoryOutlined, PhoneOutlined } from '@ant-design/icons';
import { Card, Descriptions, Empty, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DEMO_DISTRICTS } from '../../../../common/identity.ts';
import { channelLabel } from '../../components/case/CaseBits';
import { formatTime } from '../../components/format';
import { PublicStatusTag } from '../../components/PublicStatusTag';
import type { CallDetail, HotlineCall } from './api';

/** The desk a call was routed to: a district's 12345 desk, or the city's queue. */
export const deskLabel = (
  t: (k: string, o?: Record<string, string>) => string,
  districtCode: string | null,
) =>
  districtCode
    ? t('hotline.desk.district', {
        name: DEMO_DISTRICTS.find((d) => d.code === districtCode)?.name ?? districtCode,
      })
    : t('hotline.desk.city');

export const kindLabel = (t: (k: string) => string, k: string | null) => (k ? t(`hotline.kind.${k}`) : '—');

export function CallStatusTag({ call }: { call: Pick<HotlineCall, 'status'> }) {
  const { t } = useTranslation();
  const color = { ringing: 'red', answered: 'processing', finished: 'green', missed: 'default' }[call.status];
  return (
    <Tag color={color} data-testid="hotline-call-status" data-status={call.status}>
      {t(`hotline.status.${call.status}`)}
    </Tag>
  );
}

export function CallerPanel({ detail }: { detail: CallDetail }) {
  const { t } = useTranslation();
  const { call, history } = detail;
  return (
    <Card
      size="small"
      title={
        <Space>
          <PhoneOutlined />
          <span data-testid="hotline-caller-number">{call.callerNumber}</span>
          <Tag color="blue">{call.line}</Tag>
          <CallStatusTag call={call} />
        </Space>
      }
      style={{ marginBottom: 12 }}
      data-testid="hotline-caller"
    >
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'started', label: t('hotline.field.startedAt'), children: formatTime(call.startedAt) },
          { key: 'seat', label: t('hotline.field.seat'), children: call.seat ?? '—' },
          {
            key: 'desk',
            label: t('hotline.field.desk'),
            children: <span data-testid="hotline-call-desk">{deskLabel(t, call.districtCode)}</span>,
          },
          { key: 'name', label: t('hotline.field.callerName'), children: call.callerName ?? '—' },
          { key: 'op', label: t('hotline.field.operator'), children: call.operator?.name ?? '—' },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 8 }}>
        <HistoryOutlined /> {t('hotline.history.title')}
      </Typography.Title>
      <Tabs
        size="small"
        items={[
          {
            key: 'reports',
            label: `${t('hotline.history.reports')} (${history.reports.length})`,
            children:
              history.reports.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotline.history.noReports')} />
              ) : (
                <Table
                  size="small"
                  rowKey="reportId"
                  pagination={false}
                  data-testid="hotline-history-reports"
                  dataSource={history.reports}
                  columns={[
                    { title: t('hotline.field.at'), dataIndex: 'createdAt', width: 150, render: formatTime },
                    {
                      title: t('hotline.history.case'),
                      key: 'case',
                      render: (_, r) => (
                        <Space orientation="vertical" size={0}>
                          <Link to={`/cases/${r.case.id}`}>{r.case.code}</Link>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {channelLabel(t, r.channel)} · {r.description}
                          </Typography.Text>
                        </Space>
                      ),
                    },
                    {
                      title: t('hotline.history.status'),
                      key: 'status',
                      width: 90,
                      render: (_, r) => (
                        <PublicStatusTag status={r.case.publicStatus} testId="hotline-history-status" />
                      ),
                    },
                  ]}
                />
              ),
          },
          {
            key: 'calls',
            label: `${t('hotline.history.calls')} (${history.calls.length})`,
            children:
              history.calls.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotline.history.noCalls')} />
              ) : (
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  data-testid="hotline-history-calls"
                  dataSource={history.calls}
                  columns={[
                    { title: t('hotline.field.at'), dataIndex: 'startedAt', width: 150, render: formatTime },
                    { title: t('hotline.field.line'), dataIndex: 'line', width: 70 },
                    {
                      title: t('hotline.field.kind'),
                      key: 'kind',
                      render: (_, c) => (
                        <Space orientation="vertical" size={0}>
                          <span>
                            {kindLabel(t, c.kind)} {c.status !== 'finished' && <CallStatusTag call={c} />}
                          </span>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {c.knowledgeEntry?.question ?? c.note ?? ''}
                          </Typography.Text>
                        </Space>
                      ),
                    },
                    {
                      title: t('hotline.history.case'),
                      key: 'case',
                      width: 150,
                      render: (_, c) =>
                        c.case ? (
                          <Space orientation="vertical" size={0}>
                            <Link to={`/cases/${c.case.id}`}>{c.case.code}</Link>
                            <PublicStatusTag status={c.case.publicStatus} />
                          </Space>
                        ) : (
                          '—'
                        ),
                    },
                  ]}
                />
              ),
          },
        ]}
      />
    </Card>
  );
}
