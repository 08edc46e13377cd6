/**
 * 热线受理 — the hotline operator's console. A call the telephony posts for this operator's seat
 * (or line) pops here over the live stream with the caller's history; the operator takes it,
 * records what it is — an enquiry answered from the knowledge base, a complaint, a suggestion, or
 * a report that goes to intake with the call attached — and finishes it. Below, the calls of the
 * hotline, the ringing ones with a button to take them.
 */
import { PhoneFilled, PhoneOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Row,
  Segmented,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { type HotlineCall, hotlineKeys, useCall, useCalls, useHotlineEvents } from './api';
import { CallerPanel, CallStatusTag, kindLabel } from './CallerPanel';
import { CallForm } from './CallForm';
import { SeatBar } from './SeatBar';

type ListFilter = 'all' | 'ringing' | 'mine';

export function HotlinePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe();
  const myId = me.data?.user.id ?? null;
  const [popId, setPopId] = useState<string | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [filter, setFilter] = useState<ListFilter>('all');
  const [page, setPage] = useState(1);
  const open = useCalls({ mine: true, status: 'answered', pageSize: 1 });
  const list = useCalls({
    page,
    pageSize: 10,
    ...(filter === 'ringing' ? { status: 'ringing' as const } : {}),
    ...(filter === 'mine' ? { mine: true } : {}),
  });
  // A call this operator took and has not finished yet (after a reload) is resumed, once.
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current || !open.data) return;
    resumed.current = true;
    const resume = open.data.items[0];
    if (resume) setActiveId(resume.id);
  }, [open.data]);
  useHotlineEvents((e) => {
    if (e.action === 'hotline.incoming') {
      if (!activeId) setPopId(e.callId);
      return;
    }
    if (e.callId !== popId) return;
    if (e.action === 'hotline.answer' && e.operatorId !== myId) {
      setPopId(null);
      void message.info(t('hotline.takenByOther'));
    } else if (e.action === 'hotline.hangup') {
      setPopId(null);
      void message.warning(t('hotline.hungUp'));
    }
  }, !!myId);
  const popped = useCall(popId);
  const active = useCall(activeId);

  const answer = async (call: Pick<HotlineCall, 'id' | 'version'>) => {
    try {
      await api.post<HotlineCall>(`/api/hotline/calls/${call.id}/answer`, { version: call.version });
      setPopId(null);
      setActiveId(call.id);
      void qc.invalidateQueries({ queryKey: ['hotline'] });
    } catch (err) {
      void message.error(isApiError(err) || err instanceof Error ? err.message : String(err));
      void qc.invalidateQueries({ queryKey: ['hotline'] });
      if (call.id === popId) setPopId(null);
    }
  };

  return (
    <PageContainer testId="page-hotline" title={t('hotline.title')}>
      <SeatBar />
      {activeId ? (
        active.data ? (
          <Row gutter={12}>
            <Col xs={24} xl={10}>
              <CallerPanel detail={active.data} />
            </Col>
            <Col xs={24} xl={14}>
              <CallForm
                key={activeId}
                call={active.data.call}
                onFinished={() => {
                  setActiveId(null);
                  void qc.invalidateQueries({ queryKey: hotlineKeys.calls({}) });
                }}
              />
            </Col>
          </Row>
        ) : (
          <Spin />
        )
      ) : popped.data && popped.data.call.status === 'ringing' ? (
        <div data-testid="hotline-incoming">
          <Alert
            type="warning"
            showIcon
            icon={<PhoneFilled />}
            style={{ marginBottom: 12 }}
            title={
              <Space wrap>
                <Typography.Text strong style={{ fontSize: 16 }}>
                  {t('hotline.incoming', { line: popped.data.call.line })}
                </Typography.Text>
                <Typography.Text strong style={{ fontSize: 16 }} data-testid="hotline-incoming-number">
                  {popped.data.call.callerNumber}
                </Typography.Text>
                {popped.data.history.reports.length + popped.data.history.calls.length > 0 && (
                  <Tag color="orange">
                    {t('hotline.returning', {
                      calls: popped.data.history.calls.length,
                      reports: popped.data.history.reports.length,
                    })}
                  </Tag>
                )}
              </Space>
            }
            action={
              <Button
                type="primary"
                size="large"
                icon={<PhoneOutlined />}
                onClick={() => void answer(popped.data!.call)}
                data-testid="hotline-answer"
              >
                {t('hotline.answer')}
              </Button>
            }
          />
          <CallerPanel detail={popped.data} />
        </div>
      ) : (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="hotline-idle">
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotline.waiting')} />
        </Card>
      )}
      <Card
        size="small"
        title={t('hotline.calls')}
        extra={
          <Segmented<ListFilter>
            value={filter}
            onChange={(f) => {
              setFilter(f);
              setPage(1);
            }}
            options={(['all', 'ringing', 'mine'] as const).map((f) => ({
              value: f,
              label: t(`hotline.filter.${f}`),
            }))}
          />
        }
      >
        <Table<HotlineCall>
          size="small"
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          data-testid="hotline-calls"
          pagination={{
            current: page,
            pageSize: 10,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
          }}
          columns={[
            { title: t('hotline.field.startedAt'), dataIndex: 'startedAt', width: 160, render: formatTime },
            { title: t('hotline.field.line'), dataIndex: 'line', width: 80 },
            { title: t('hotline.field.callerNumber'), dataIndex: 'callerNumber', width: 130 },
            {
              title: t('hotline.field.status'),
              key: 'status',
              width: 90,
              render: (_, c) => <CallStatusTag call={c} />,
            },
            {
              title: t('hotline.field.kind'),
              key: 'kind',
              width: 90,
              render: (_, c) => kindLabel(t, c.kind),
            },
            {
              title: t('hotline.field.summary'),
              key: 'summary',
              render: (_, c) =>
                c.case ? (
                  <Link to={`/cases/${c.case.id}`}>{c.case.code}</Link>
                ) : (
                  <Typography.Text ellipsis style={{ maxWidth: 320 }}>
                    {c.knowledgeEntry?.question ?? c.note ?? ''}
                  </Typography.Text>
                ),
            },
            {
              title: t('hotline.field.operator'),
              key: 'op',
              width: 140,
              render: (_, c) => c.operator?.name ?? '—',
            },
            {
              title: '',
              key: 'act',
              width: 90,
              render: (_, c) =>
                c.status === 'ringing' && !activeId ? (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => void answer(c)}
                    data-testid="hotline-list-answer"
                  >
                    {t('hotline.answer')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
    </PageContainer>
  );
}
