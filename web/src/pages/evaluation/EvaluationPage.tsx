/**
 * 综合评价 — three tabs over a subject type (districts … grids, units, posts) and a month:
 * 指标 the indicators, each figure beside its definition; 排名 the month's ranking (RankingsTab);
 * 考核模板 the template that scores it (TemplatesTab). A click on a figure or an item score lists
 * the cases it counted (its numerator, denominator, or what was due and not met), from the same
 * query as the figure (GET /api/evaluation/drill), each case a link.
 */
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Card,
  DatePicker,
  Drawer,
  Segmented,
  Select,
  Space,
  Table,
  Tabs,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { SUBJECT_TYPES } from '../../../../common/evaluation.ts';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { RankingsTab } from './RankingsTab';
import { TemplatesTab } from './TemplatesTab';

type Indicators = ApiResponse<'/api/evaluation/indicators', 'get'>;
type Indicator = Indicators['items'][number];
type Figures = ApiResponse<'/api/evaluation/figures', 'get'>;
type Drill = ApiResponse<'/api/evaluation/drill', 'get'>;
type SubjectType = Figures['subjectType'];

function show(ind: Indicator, value: number | null): string {
  if (value === null) return '—';
  if (ind.kind === 'rate') return `${(value * 100).toFixed(1)}%`;
  if (ind.kind === 'average') return value.toFixed(2);
  return String(value);
}

interface DrillTarget {
  indicator: Indicator;
  subject: string;
  label: string;
  /** From a stored ranking: its figure then. The drill lists the record now, which may have moved on. */
  frozen?: { numerator: number; denominator: number; at: string };
}

function DrillDrawer({
  target,
  subjectType,
  from,
  to,
  onClose,
}: {
  target: DrillTarget;
  subjectType: SubjectType;
  from: string;
  to: string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const [part, setPart] = useState<'numerator' | 'denominator' | 'unmet'>(
    target.indicator.kind === 'rate' ? 'numerator' : 'denominator',
  );
  const [page, setPage] = useState(1);
  // The stored figure's count of the part shown (a count or an average has one part: its rows).
  const frozenCount = (x: DrillTarget) =>
    !x.frozen
      ? 0
      : x.indicator.kind !== 'rate' || part === 'denominator'
        ? x.frozen.denominator
        : part === 'numerator'
          ? x.frozen.numerator
          : x.frozen.denominator - x.frozen.numerator;
  const q = useQuery({
    queryKey: [
      'evaluation',
      'drill',
      target.indicator.key,
      subjectType,
      target.subject,
      from,
      to,
      part,
      page,
    ],
    queryFn: () =>
      api.get<Drill>('/api/evaluation/drill', {
        indicator: target.indicator.key,
        subjectType,
        subject: target.subject,
        from,
        to,
        part,
        page,
        pageSize: 20,
      }),
  });
  return (
    <Drawer
      open
      width={720}
      onClose={onClose}
      title={`${target.label} · ${en ? target.indicator.name.en : target.indicator.name.zh}`}
      data-testid="evaluation-drill"
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">
          {en ? target.indicator.description.en : target.indicator.description.zh}
        </Typography.Paragraph>
        {target.indicator.kind === 'rate' && (
          <Segmented
            value={part}
            onChange={(v) => {
              setPart(v as 'numerator' | 'denominator' | 'unmet');
              setPage(1);
            }}
            options={[
              { value: 'numerator', label: t('evaluation.numerator') },
              { value: 'denominator', label: t('evaluation.denominator') },
              { value: 'unmet', label: t('evaluation.unmet') },
            ]}
            data-testid="evaluation-drill-part"
          />
        )}
        {q.data && (
          <Typography.Text data-testid="evaluation-drill-total">
            {t('evaluation.drillTotal', { count: q.data.total })}
          </Typography.Text>
        )}
        {target.frozen && q.data && frozenCount(target) !== q.data.total && (
          <Alert
            type="warning"
            showIcon
            data-testid="evaluation-drill-moved"
            title={t('evaluation.drillMoved', {
              at: formatTime(target.frozen.at),
              stored: frozenCount(target),
              now: q.data.total,
            })}
          />
        )}
        <Table
          rowKey={(r) => `${r.item}:${r.caseId}`}
          size="small"
          loading={q.isLoading}
          dataSource={q.data?.items ?? []}
          pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage }}
          columns={[
            {
              title: t('evaluation.case'),
              dataIndex: 'code',
              render: (code: string, r) => (
                <Link to={`/cases/${r.caseId}`} data-testid="evaluation-drill-case">
                  {code}
                </Link>
              ),
            },
            { title: t('evaluation.caseDescription'), dataIndex: 'description', ellipsis: true },
            { title: t('evaluation.countedAt'), dataIndex: 'at', render: (v: string) => formatTime(v) },
            ...(target.indicator.kind === 'average'
              ? [
                  {
                    title: t('evaluation.value'),
                    dataIndex: 'value',
                    render: (v: number | null) => v?.toFixed(2),
                  },
                ]
              : []),
          ]}
        />
      </Space>
    </Drawer>
  );
}

export function EvaluationPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  // A link may name the tab, the subject type and the month (?tab=rankings&type=unit&month=2026-11).
  const [params] = useSearchParams();
  const typeParam = params.get('type') as SubjectType | null;
  const monthParam = params.get('month');
  const [subjectType, setSubjectType] = useState<SubjectType>(
    typeParam && (SUBJECT_TYPES as readonly string[]).includes(typeParam) ? typeParam : 'district',
  );
  const [month, setMonth] = useState<Dayjs>(() => {
    const m = monthParam && /^\d{4}-\d{2}$/.test(monthParam) ? dayjs(`${monthParam}-01`) : null;
    return m?.isValid() ? m : dayjs().startOf('month');
  });
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const from = month.startOf('month').format('YYYY-MM-DD');
  const to = month.startOf('month').add(1, 'month').format('YYYY-MM-DD');
  const defs = useQuery({
    queryKey: ['evaluation', 'indicators'],
    queryFn: () => api.get<Indicators>('/api/evaluation/indicators'),
  });
  const figures = useQuery({
    queryKey: ['evaluation', 'figures', subjectType, from, to],
    queryFn: () => api.get<Figures>('/api/evaluation/figures', { subjectType, from, to }),
  });
  const inds = (defs.data?.items ?? []).filter((i) => i.subjects.includes(subjectType));
  const columns = [
    {
      title: t('evaluation.subject'),
      dataIndex: 'label',
      fixed: 'left' as const,
      width: 200,
    },
    ...inds.map((ind) => ({
      key: ind.key,
      title: (
        <Tooltip title={en ? ind.description.en : ind.description.zh}>
          <span data-testid={`evaluation-head-${ind.key}`}>{en ? ind.name.en : ind.name.zh}</span>
        </Tooltip>
      ),
      width: 130,
      render: (_: unknown, row: Figures['subjects'][number]) => {
        const f = row.figures.find((x) => x.indicator === ind.key);
        if (!f) return '—';
        return (
          <Tooltip title={ind.kind === 'rate' ? `${f.numerator} / ${f.denominator}` : undefined}>
            <Typography.Link
              data-testid={`evaluation-figure-${ind.key}`}
              onClick={() => setDrill({ indicator: ind, subject: row.subject, label: row.label })}
            >
              {show(ind, f.value)}
            </Typography.Link>
          </Tooltip>
        );
      },
    })),
  ];
  const tabParam = params.get('tab');
  const [tab, setTab] = useState<'figures' | 'rankings' | 'templates'>(
    tabParam === 'rankings' || tabParam === 'templates' ? tabParam : 'figures',
  );
  const figuresTab = (
    <Space orientation="vertical" style={{ width: '100%' }} size="large">
      {figures.error && <Alert type="error" title={String(figures.error)} />}
      <Table
        rowKey="subject"
        size="small"
        loading={figures.isLoading || defs.isLoading}
        dataSource={figures.data?.subjects ?? []}
        columns={columns}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50 }}
      />
      <Card title={t('evaluation.definitions')} size="small">
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={inds}
          columns={[
            {
              title: t('evaluation.indicator'),
              render: (_: unknown, i: Indicator) => (en ? i.name.en : i.name.zh),
            },
            {
              title: t('evaluation.definition'),
              render: (_: unknown, i: Indicator) => (
                <Space orientation="vertical" size={0}>
                  <span>{en ? i.description.en : i.description.zh}</span>
                  <Typography.Text type="secondary">
                    {t('evaluation.counts')}: {en ? i.counts.en : i.counts.zh} · {t('evaluation.countsIn')}:{' '}
                    {en ? i.countsIn.en : i.countsIn.zh}
                    {i.clock ? ` · ${t('evaluation.clock')}: ${t(`case.stage.${i.clock}`)}` : ''}
                  </Typography.Text>
                  {i.lacks && (
                    <Typography.Text type="warning">{en ? i.lacks.en : i.lacks.zh}</Typography.Text>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
  return (
    <PageContainer testId="evaluation-page" title={t('evaluation.title')}>
      <Space orientation="vertical" style={{ width: '100%' }} size="middle">
        <Space wrap>
          <Select
            style={{ width: 180 }}
            value={subjectType}
            onChange={setSubjectType}
            options={SUBJECT_TYPES.map((s) => ({ value: s, label: t(`evaluation.subjectType.${s}`) }))}
            data-testid="evaluation-subject-type"
          />
          {tab !== 'templates' && (
            <DatePicker picker="month" value={month} allowClear={false} onChange={(m) => m && setMonth(m)} />
          )}
        </Space>
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as typeof tab)}
          items={[
            {
              key: 'figures',
              label: <span data-testid="evaluation-tab-figures">{t('evaluation.tab.figures')}</span>,
              children: figuresTab,
            },
            {
              key: 'rankings',
              label: <span data-testid="evaluation-tab-rankings">{t('evaluation.tab.rankings')}</span>,
              children: (
                <RankingsTab
                  subjectType={subjectType}
                  from={from}
                  to={to}
                  indicators={defs.data?.items ?? []}
                  onDrill={(indicator, subject, label, frozen) =>
                    setDrill({ indicator, subject, label, frozen })
                  }
                />
              ),
            },
            {
              key: 'templates',
              label: <span data-testid="evaluation-tab-templates">{t('evaluation.tab.templates')}</span>,
              children: <TemplatesTab subjectType={subjectType} indicators={defs.data?.items ?? []} />,
            },
          ]}
        />
      </Space>
      {drill && (
        <DrillDrawer
          target={drill}
          subjectType={subjectType}
          from={from}
          to={to}
          onClose={() => setDrill(null)}
        />
      )}
    </PageContainer>
  );
}
