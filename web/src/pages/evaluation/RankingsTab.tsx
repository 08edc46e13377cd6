/**
 * 排名 — a month's ranking of a subject type: the versions computed (drafts and published), the
 * chosen one's lines (rank, score, grade, movement against the previous period, each template
 * item's score — a click drills to the cases behind the item's figure), and the actions the caller
 * may take: compute a new draft (the city's `evaluation:manage`), approve and publish one (its
 * leaders' `evaluation:publish`; a published ranking is frozen), export it to Excel or PDF.
 */
import { DownloadOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Empty, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { downloadFile } from '../../api/download';
import { useMe } from '../../api/queries';
import type { ApiResponse } from '../../api/types';
import { formatTime } from '../../components/format';

type RankingList = ApiResponse<'/api/evaluation/rankings', 'get'>;
type Ranking = ApiResponse<'/api/evaluation/rankings/{id}', 'get'>;
type Line = Ranking['lines'][number];
type Template = ApiResponse<'/api/evaluation/template-versions/{id}', 'get'>;
type Indicators = ApiResponse<'/api/evaluation/indicators', 'get'>;
type Indicator = Indicators['items'][number];
type SubjectType = Ranking['subjectType'];

export const GRADE_COLOUR: Record<string, string> = {
  A: 'green',
  B: 'blue',
  C: 'gold',
  D: 'orange',
  E: 'red',
};

export function Movement({ value }: { value: number | null }) {
  const { t } = useTranslation();
  if (value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  if (value === 0)
    return (
      <Typography.Text type="secondary" data-movement="0">
        {t('evaluation.ranking.level')}
      </Typography.Text>
    );
  return (
    <Typography.Text type={value > 0 ? 'success' : 'danger'} data-movement={value}>
      {value > 0 ? `↑${value}` : `↓${-value}`}
    </Typography.Text>
  );
}

export function RankingsTab({
  subjectType,
  from,
  to,
  indicators,
  onDrill,
}: {
  subjectType: SubjectType;
  from: string;
  to: string;
  indicators: Indicator[];
  /** `frozen`: the figure as the ranking stored it, for the drill drawer to compare with the record now. */
  onDrill: (
    indicator: Indicator,
    subject: string,
    label: string,
    frozen: { numerator: number; denominator: number; at: string },
  ) => void;
}) {
  const { t, i18n: i } = useTranslation();
  const en = i.language.startsWith('en');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const city = me?.scope.kind === 'city';
  const canCompute = city && (me?.permissions.includes('evaluation:manage') ?? false);
  const canPublish = city && (me?.permissions.includes('evaluation:publish') ?? false);
  const list = useQuery({
    queryKey: ['evaluation', 'rankings', subjectType, from],
    queryFn: () => api.get<RankingList>('/api/evaluation/rankings', { subjectType, from }),
  });
  const versions = (list.data?.items ?? []).filter((r) => r.to === to);
  // The newest version unless one was chosen for this type and period (another starts from its newest).
  const key = `${subjectType}/${from}`;
  const [picked, setPicked] = useState<{ key: string; id: string } | null>(null);
  const setChosen = (rid: string) => setPicked({ key, id: rid });
  const id = (picked?.key === key ? picked.id : null) ?? versions[0]?.id ?? null;
  const ranking = useQuery({
    queryKey: ['evaluation', 'ranking', id],
    queryFn: () => api.get<Ranking>(`/api/evaluation/rankings/${id}`),
    enabled: !!id,
  });
  // The template version the ranking was scored with: how each item column was scored (an
  // `inverse` item shows 100 × (1 − rate), so its header must say so, as the exports do).
  const templateId = ranking.data?.templateId;
  const template = useQuery({
    queryKey: ['evaluation', 'template', templateId],
    queryFn: () => api.get<Template>(`/api/evaluation/template-versions/${templateId}`),
    enabled: !!templateId,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['evaluation', 'rankings'] });
  const compute = useMutation({
    mutationFn: () => api.post<Ranking>('/api/evaluation/rankings', { subjectType, from, to }),
    onSuccess: (r) => {
      setChosen(r.id);
      refresh();
      void message.success(t('evaluation.ranking.computed', { version: r.version }));
    },
    onError: (e) => void message.error((e as Error).message),
  });
  const publish = useMutation({
    mutationFn: (rid: string) => api.post<Ranking>(`/api/evaluation/rankings/${rid}/publish`),
    onSuccess: (r) => {
      qc.setQueryData(['evaluation', 'ranking', r.id], r);
      refresh();
      void message.success(t('evaluation.ranking.publishedOk', { version: r.version }));
    },
    onError: (e) => void message.error((e as Error).message),
  });
  const exportAs = useMutation({
    mutationFn: ({ rid, format }: { rid: string; format: 'xlsx' | 'pdf' }) =>
      downloadFile(
        `/api/evaluation/rankings/${rid}/export.${format}`,
        {},
        `ranking.${format}`,
        t('evaluation.ranking.exportFailed'),
      ),
    onError: (e) => void message.error((e as Error).message || t('evaluation.ranking.exportFailed')),
  });

  const r = ranking.data;
  const byKey = new Map(indicators.map((x) => [x.key, x]));
  const columns = [
    {
      title: t('evaluation.ranking.rank'),
      dataIndex: 'rank',
      width: 70,
      render: (v: number | null) => v ?? '—',
    },
    { title: t('evaluation.subject'), dataIndex: 'label', width: 220 },
    {
      title: t('evaluation.ranking.score'),
      dataIndex: 'score',
      width: 90,
      render: (v: number | null) => (v === null ? '—' : v.toFixed(2)),
    },
    {
      title: t('evaluation.ranking.grade'),
      dataIndex: 'grade',
      width: 70,
      render: (g: string | null) =>
        g ? (
          <Tag color={GRADE_COLOUR[g]} data-testid="ranking-grade">
            {g}
          </Tag>
        ) : (
          '—'
        ),
    },
    {
      title: t('evaluation.ranking.movement'),
      dataIndex: 'movement',
      width: 80,
      render: (m: number | null, l: Line) => (
        <Tooltip
          title={l.previousRank ? t('evaluation.ranking.previousRank', { rank: l.previousRank }) : undefined}
        >
          <span>
            <Movement value={m} />
          </span>
        </Tooltip>
      ),
    },
    ...(r?.lines[0]?.items ?? []).map((it, n) => {
      const ind = byKey.get(it.indicator);
      const inverse = template.data?.definition.items[n]?.score === 'inverse';
      return {
        key: `${it.indicator}:${n}`,
        title: (
          <Tooltip title={ind ? (en ? ind.description.en : ind.description.zh) : undefined}>
            <span>
              {ind ? (en ? ind.name.en : ind.name.zh) : it.indicator}
              {inverse ? t('evaluation.ranking.inverse') : ''} {it.weight}%
            </span>
          </Tooltip>
        ),
        width: 140,
        render: (_: unknown, l: Line) => {
          const item = l.items[n];
          const fig = l.figures.find((f) => f.indicator === it.indicator);
          const score = item?.score === null || item?.score === undefined ? '—' : item.score.toFixed(1);
          if (!ind || !fig) return score;
          return (
            <Tooltip
              title={`${ind.kind === 'rate' ? `${fig.numerator} / ${fig.denominator}` : fig.denominator} — ${t('evaluation.ranking.drillHint')}`}
            >
              <Typography.Link
                data-testid={`ranking-item-${it.indicator}`}
                onClick={() =>
                  onDrill(ind, l.subject, l.label, {
                    numerator: fig.numerator,
                    denominator: fig.denominator,
                    at: r?.publishedAt ?? r?.computedAt ?? '',
                  })
                }
              >
                {score}
              </Typography.Link>
            </Tooltip>
          );
        },
      };
    }),
  ];

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="evaluation-rankings">
      <Space wrap>
        <Select
          style={{ width: 320 }}
          placeholder={t('evaluation.ranking.noVersion')}
          value={id ?? undefined}
          onChange={setChosen}
          loading={list.isLoading}
          data-testid="ranking-version"
          options={versions.map((v) => ({
            value: v.id,
            label: `${t('evaluation.ranking.version', { version: v.version })} · ${
              v.state === 'published' ? t('evaluation.ranking.published') : t('evaluation.ranking.draft')
            } · ${formatTime(v.publishedAt ?? v.computedAt)}`,
          }))}
        />
        {canCompute && (
          <Button
            type="primary"
            loading={compute.isPending}
            onClick={() => compute.mutate()}
            data-testid="ranking-compute"
          >
            {t('evaluation.ranking.compute')}
          </Button>
        )}
        {canPublish && r?.state === 'draft' && (
          <Popconfirm
            title={t('evaluation.ranking.publishConfirm')}
            onConfirm={() => publish.mutate(r.id)}
            okButtonProps={{ 'data-testid': 'ranking-publish-ok' } as Record<string, string>}
          >
            <Button danger loading={publish.isPending} data-testid="ranking-publish">
              {t('evaluation.ranking.publish')}
            </Button>
          </Popconfirm>
        )}
        {r && (
          <>
            <Button
              icon={<DownloadOutlined />}
              loading={exportAs.isPending && exportAs.variables?.format === 'xlsx'}
              onClick={() => exportAs.mutate({ rid: r.id, format: 'xlsx' })}
              data-testid="ranking-export-xlsx"
            >
              {t('evaluation.ranking.exportXlsx')}
            </Button>
            <Button
              icon={<FilePdfOutlined />}
              loading={exportAs.isPending && exportAs.variables?.format === 'pdf'}
              onClick={() => exportAs.mutate({ rid: r.id, format: 'pdf' })}
              data-testid="ranking-export-pdf"
            >
              {t('evaluation.ranking.exportPdf')}
            </Button>
          </>
        )}
      </Space>
      {r && (
        <Alert
          type={r.state === 'published' ? 'success' : 'info'}
          showIcon
          data-testid="ranking-state"
          data-state={r.state}
          title={
            r.state === 'published'
              ? t('evaluation.ranking.publishedNote', {
                  version: r.version,
                  at: formatTime(r.publishedAt ?? ''),
                })
              : t('evaluation.ranking.draftNote', { version: r.version })
          }
          description={t('evaluation.ranking.basis', {
            template: r.templateVersion,
            from: r.previousFrom,
            to: r.previousTo,
            source:
              r.previousSource === 'published'
                ? t('evaluation.ranking.previousPublished')
                : t('evaluation.ranking.previousComputed'),
          })}
        />
      )}
      {list.error && <Alert type="error" title={(list.error as Error).message} />}
      {!id && !list.isLoading ? (
        <Empty
          description={canCompute ? t('evaluation.ranking.noneYetCompute') : t('evaluation.ranking.noneYet')}
        />
      ) : (
        <Table
          rowKey="subject"
          size="small"
          loading={ranking.isLoading}
          dataSource={r?.lines ?? []}
          columns={columns}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 50 }}
          onRow={(l) => ({ 'data-testid': 'ranking-line', 'data-subject': l.subject }) as object}
        />
      )}
    </Space>
  );
}
