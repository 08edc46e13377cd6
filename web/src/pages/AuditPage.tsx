import { Card, Col, Form, Input, Row, Select, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, auditActionLabelKey } from '../../../common/audit-vocabulary.ts';
import type { AuditEvent, ListResult } from '../api/types';
import { ChinaRangePicker, ChinaTimeHint } from '../components/ChinaPicker';
import { fromChinaPicker } from '../components/china-time';
import { formatTime } from '../components/format';
import { PageContainer } from '../components/PageContainer';
import { cleanFilters, FilterBar, PagedTable, usePagedList } from '../components/PagedList';

interface Filters {
  actorName?: string;
  caseCode?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: string;
  to?: string;
}

interface FilterForm {
  actorName?: string;
  caseCode?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** An action's label in the UI language, or its code for rows written before a rename. */
export function useAuditActionLabel() {
  const { t } = useTranslation();
  return (action: string) => {
    const key = auditActionLabelKey(action);
    return key ? t(key) : action;
  };
}

const ACTOR_COLORS: Record<string, string> = {
  user: 'blue',
  api_key: 'purple',
  system: 'default',
  anonymous: 'orange',
};

export function AuditPage() {
  const { t } = useTranslation();
  const actionLabel = useAuditActionLabel();
  const list = usePagedList<ListResult<AuditEvent>, Filters>({ queryKey: ['audit'], path: '/api/audit' });

  const apply = ({ range, ...fields }: Partial<FilterForm>) => {
    const [from, to] = range ?? [];
    list.setFilters({
      ...cleanFilters(fields),
      // The picked wall-clock times are China time, whatever the browser's zone.
      from: fromChinaPicker(from),
      to: fromChinaPicker(to),
    });
  };

  const columns: ColumnsType<AuditEvent> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: formatTime },
    {
      title: t('audit.actor'),
      key: 'actor',
      width: 200,
      render: (_, e) => (
        <Space size={4}>
          <Tag color={ACTOR_COLORS[e.actorType]}>
            {t(`actorType.${e.actorType}`, { defaultValue: e.actorType })}
          </Tag>
          <span title={e.actorId ?? undefined}>{e.actorName || e.actorId || '—'}</span>
        </Space>
      ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 200,
      render: (a: string) => (
        <Space orientation="vertical" size={0}>
          <span data-testid="audit-action-label">{actionLabel(a)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {a}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('audit.entityType'),
      dataIndex: 'entityType',
      width: 120,
      render: (v: string) => t(`entityType.${v}`, { defaultValue: v }),
    },
    {
      title: t('audit.entityId'),
      dataIndex: 'entityId',
      ellipsis: true,
      render: (v: string | null) => (v ? <Typography.Text copyable={{ text: v }}>{v}</Typography.Text> : '—'),
    },
    { title: t('audit.sourceIp'), dataIndex: 'sourceIp', width: 140, render: (v: string | null) => v || '—' },
  ];

  return (
    <PageContainer testId="page-audit" title={t('menu.audit')}>
      <FilterBar<FilterForm>
        testId="audit-filter"
        searchTestId="audit-search"
        onApply={apply}
        buttonsStyle={{ marginBottom: 16 }}
      >
        <Form.Item name="actorName" label={t('audit.actorName')} style={{ marginBottom: 16 }}>
          <Input allowClear style={{ width: 160 }} data-testid="audit-filter-actor" />
        </Form.Item>
        <Form.Item name="caseCode" label={t('audit.caseCode')} style={{ marginBottom: 16 }}>
          <Input allowClear style={{ width: 200 }} data-testid="audit-filter-case-code" />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')} style={{ marginBottom: 16 }}>
          <Select
            allowClear
            showSearch
            placeholder={t('audit.anyAction')}
            style={{ width: 220 }}
            optionFilterProp="label"
            options={AUDIT_ACTIONS.map((v) => ({ value: v, label: `${actionLabel(v)} ${v}` }))}
            optionRender={(o) => (
              <Space orientation="vertical" size={0}>
                <span>{actionLabel(String(o.value))}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {String(o.value)}
                </Typography.Text>
              </Space>
            )}
            labelRender={(o) => actionLabel(String(o.value))}
            data-testid="audit-filter-action"
          />
        </Form.Item>
        <Form.Item name="entityType" label={t('audit.entityType')} style={{ marginBottom: 16 }}>
          <Select
            allowClear
            showSearch
            placeholder={t('audit.anyEntity')}
            style={{ width: 160 }}
            optionFilterProp="label"
            options={AUDIT_ENTITY_TYPES.map((v) => ({ value: v, label: t(`entityType.${v}`) }))}
            data-testid="audit-filter-entity-type"
          />
        </Form.Item>
        <Form.Item name="entityId" label={t('audit.entityId')} style={{ marginBottom: 16 }}>
          <Input allowClear style={{ width: 200 }} data-testid="audit-filter-entity-id" />
        </Form.Item>
        <Form.Item label={t('audit.timeRange')} style={{ marginBottom: 16 }}>
          <Space size={8}>
            <Form.Item name="range" noStyle>
              <ChinaRangePicker showTime allowEmpty={[true, true]} data-testid="audit-filter-range" />
            </Form.Item>
            <ChinaTimeHint />
          </Space>
        </Form.Item>
      </FilterBar>
      <Card>
        <PagedTable<AuditEvent>
          list={list}
          data-testid="audit-table"
          columns={columns}
          scroll={{ x: 1000 }}
          expandable={{ expandedRowRender: (e) => <AuditDetail event={e} /> }}
        />
      </Card>
    </PageContainer>
  );
}

function changedKeys(before: unknown, after: unknown): string[] {
  const b = before && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  const a = after && typeof after === 'object' ? (after as Record<string, unknown>) : {};
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...keys].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

const preStyle: CSSProperties = {
  background: '#fafafa',
  border: '1px solid #f0f0f0',
  borderRadius: 4,
  padding: 12,
  margin: 0,
  maxHeight: 360,
  overflow: 'auto',
  fontSize: 12,
  lineHeight: 1.6,
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
};

function JsonBlock({ value, changed, testId }: { value: unknown; changed: Set<string>; testId: string }) {
  const { t } = useTranslation();
  if (value === null || value === undefined) {
    return (
      <pre style={{ ...preStyle, color: 'rgba(0,0,0,0.45)' }} data-testid={testId}>
        {t('audit.none')}
      </pre>
    );
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return (
      <pre style={preStyle} data-testid={testId}>
        {JSON.stringify(value, null, 2)}
      </pre>
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return (
    <pre style={preStyle} data-testid={testId}>
      {'{\n'}
      {entries.map(([k, v], i) => (
        <span
          key={k}
          style={changed.has(k) ? { background: '#fff1b8', display: 'block' } : { display: 'block' }}
        >
          {`  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${i < entries.length - 1 ? ',' : ''}`}
        </span>
      ))}
      {'}'}
    </pre>
  );
}

function AuditDetail({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const changed = new Set(changedKeys(event.before, event.after));
  return (
    <div data-testid={`audit-detail-${event.id}`}>
      <Space wrap style={{ marginBottom: 12 }} size="large">
        <span>
          <Typography.Text type="secondary">{t('audit.actorId')}: </Typography.Text>
          <Typography.Text copyable={event.actorId ? { text: event.actorId } : false}>
            {event.actorId ?? '—'}
          </Typography.Text>
        </span>
        <span>
          <Typography.Text type="secondary">{t('audit.requestId')}: </Typography.Text>
          <Typography.Text>{event.requestId ?? '—'}</Typography.Text>
        </span>
        {event.reason && (
          <span>
            <Typography.Text type="secondary">{t('audit.reason')}: </Typography.Text>
            <Typography.Text>{event.reason}</Typography.Text>
          </span>
        )}
        {changed.size > 0 && (
          <span>
            <Typography.Text type="secondary">{t('audit.changedFields')}: </Typography.Text>
            {[...changed].map((k) => (
              <Tag key={k} color="gold">
                {k}
              </Tag>
            ))}
          </span>
        )}
      </Space>
      <Row gutter={16}>
        <Col span={12}>
          <Typography.Text strong>{t('audit.before')}</Typography.Text>
          <JsonBlock value={event.before} changed={changed} testId="audit-before" />
        </Col>
        <Col span={12}>
          <Typography.Text strong>{t('audit.after')}</Typography.Text>
          <JsonBlock value={event.after} changed={changed} testId="audit-after" />
        </Col>
      </Row>
    </div>
  );
}
