/**
 * 预警 — the early warnings the caller may read (GET /api/warnings): unusual rises of reports
 * per grid × type family and per district, and units' overdue risk, each with the baseline it
 * departed from; filters by kind, state and (for the city) district; acknowledging a live one;
 * the city centre may recompute them now.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ApiResponse } from '../../api/types';
import { useDistricts } from '../../components/case/api';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';

type WarningPage = ApiResponse<'/api/warnings', 'get'>;
type WarningItem = WarningPage['items'][number];
type RunAnswer = ApiResponse<'/api/warnings/run', 'post'>;

const KINDS = ['rise', 'overdue_risk'] as const;
const STATES = ['open', 'acknowledged', 'resolved'] as const;
const STATE_COLOR: Record<WarningItem['state'], string> = {
  open: 'red',
  acknowledged: 'gold',
  resolved: 'default',
};

export function WarningsPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const isCity = me?.scope.kind === 'city';
  // Every reader names the districts (geo:read): the city filters by them, a district reads its own.
  const districts = useDistricts();
  const [kind, setKind] = useState<(typeof KINDS)[number] | undefined>();
  const [state, setState] = useState<(typeof STATES)[number] | undefined>();
  const [districtCode, setDistrictCode] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const query = { kind, state, districtCode, page, pageSize: 20 };
  const list = useQuery({
    queryKey: ['warnings', query],
    queryFn: () => api.get<WarningPage>('/api/warnings', query),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['warnings'] });
  const acknowledge = useMutation({
    mutationFn: (id: string) => api.post<WarningItem>(`/api/warnings/${id}/acknowledge`),
    onSuccess: () => {
      void message.success(t('warnings.acknowledged'));
      refresh();
    },
    onError: (err: Error) => void message.error(err.message),
  });
  const run = useMutation({
    mutationFn: () => api.post<RunAnswer>('/api/warnings/run'),
    onSuccess: (r) => {
      void message.success(t('warnings.ran', { raised: r.raised, updated: r.updated, resolved: r.resolved }));
      refresh();
    },
    onError: (err: Error) => void message.error(err.message),
  });
  const districtName = (code: string) => districts.data?.items.find((d) => d.code === code)?.name ?? code;

  return (
    <PageContainer
      testId="warnings-page"
      title={t('warnings.title')}
      extra={
        isCity ? (
          <Button onClick={() => run.mutate()} loading={run.isPending} data-testid="warnings-run">
            {t('warnings.run')}
          </Button>
        ) : undefined
      }
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('warnings.intro')}
        </Typography.Paragraph>
        <Space wrap>
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={t('warnings.kindLabel')}
            value={kind}
            onChange={(v) => {
              setKind(v);
              setPage(1);
            }}
            options={KINDS.map((k) => ({ value: k, label: t(`warnings.kind.${k}`) }))}
            data-testid="warnings-kind"
          />
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={t('warnings.stateLive')}
            value={state}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
            options={STATES.map((s) => ({ value: s, label: t(`warnings.state.${s}`) }))}
            data-testid="warnings-state"
          />
          {isCity && (
            <Select
              allowClear
              style={{ width: 180 }}
              placeholder={t('warnings.district')}
              value={districtCode}
              onChange={(v) => {
                setDistrictCode(v);
                setPage(1);
              }}
              options={(districts.data?.items ?? []).map((d) => ({ value: d.code, label: d.name }))}
              data-testid="warnings-district"
            />
          )}
        </Space>
        {list.error && <Alert type="error" showIcon message={(list.error as Error).message} />}
        <Card size="small">
          <Table<WarningItem>
            rowKey="id"
            size="small"
            loading={list.isLoading}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: t('warnings.empty') }}
            pagination={{
              current: page,
              pageSize: 20,
              total: list.data?.total ?? 0,
              onChange: setPage,
              showSizeChanger: false,
            }}
            onRow={() => ({ 'data-testid': 'warning-row' }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: t('warnings.kindLabel'),
                dataIndex: 'kind',
                width: 120,
                render: (k: WarningItem['kind']) => (
                  <Tag color={k === 'rise' ? 'volcano' : 'purple'}>{t(`warnings.kind.${k}`)}</Tag>
                ),
              },
              {
                title: t('warnings.subject'),
                key: 'subject',
                width: 240,
                render: (_, w) => (
                  <Space direction="vertical" size={0}>
                    <span>
                      {t(`warnings.subjectType.${w.subjectType}`)} · {w.subjectName}
                    </span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {districtName(w.districtCode)}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: t('warnings.observed'),
                dataIndex: 'observed',
                width: 90,
                align: 'right',
              },
              {
                title: t('warnings.baseline'),
                dataIndex: 'baseline',
                width: 90,
                align: 'right',
                render: (b: number) => (Number.isInteger(b) ? b : b.toFixed(2)),
              },
              {
                title: t('warnings.explanation'),
                key: 'explanation',
                render: (_, w) => (
                  <Tooltip
                    title={
                      <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                        {JSON.stringify(w.rule, null, 1)}
                      </pre>
                    }
                  >
                    <span data-testid="warning-explanation">{en ? w.explanation.en : w.explanation.zh}</span>
                  </Tooltip>
                ),
              },
              {
                title: t('warnings.stateLabel'),
                dataIndex: 'state',
                width: 100,
                render: (s: WarningItem['state']) => (
                  <Tag color={STATE_COLOR[s]}>{t(`warnings.state.${s}`)}</Tag>
                ),
              },
              {
                title: t('warnings.seen'),
                key: 'seen',
                width: 170,
                render: (_, w) => (
                  <Space direction="vertical" size={0} style={{ fontSize: 12 }}>
                    <span>
                      {t('warnings.firstSeen')} {formatTime(w.firstSeenAt)}
                    </span>
                    <span>
                      {t('warnings.lastSeen')} {formatTime(w.lastSeenAt)}
                    </span>
                  </Space>
                ),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                width: 100,
                render: (_, w) =>
                  w.state === 'open' ? (
                    <Button
                      size="small"
                      onClick={() => acknowledge.mutate(w.id)}
                      loading={acknowledge.isPending && acknowledge.variables === w.id}
                      data-testid="warning-acknowledge"
                    >
                      {t('warnings.acknowledge')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        </Card>
      </Space>
    </PageContainer>
  );
}
