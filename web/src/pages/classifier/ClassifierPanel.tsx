/**
 * 智能分类 (a tab of the catalogue page): where the classifier stands (revision, labelled texts by
 * source, the model's size), a box to try words and see what it suggests, and the labelled texts
 * the caller may read — learned at filing (confirmed or corrected, by whom, for which case) and,
 * for the city, the seed texts — with "retire" for a wrong one (administrators; the server
 * decides the scope, this only hides the button).
 */
import { StopOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Row,
  Select,
  Space,
  Statistic,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ApiResponse, ListResult } from '../../api/types';
import { FormModal } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { cleanFilters, PagedTable, usePagedList } from '../../components/PagedList';
import { MAX_SUGGEST_TEXT, scorePercent, useSuggestions } from '../../components/suggest/useSuggestions';

type Sample = ApiResponse<'/api/classifier/samples', 'get'>['items'][number];
type Status = ApiResponse<'/api/classifier/status', 'get'>;
type Source = Sample['source'];

const SOURCE_COLOR: Record<Source, string> = { seed: 'default', confirmed: 'green', corrected: 'orange' };

interface Filters {
  source?: Source;
  q?: string;
  matterCode?: string;
  retired?: boolean;
}

function TryIt() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const s = useSuggestions(text);
  const shown = [...text.trim()].length >= 2 ? s.data : undefined;
  return (
    <Card size="small" title={t('classifier.try')} style={{ height: '100%' }}>
      <Input.TextArea
        rows={3}
        maxLength={MAX_SUGGEST_TEXT}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('classifier.tryPlaceholder')}
        data-testid="classifier-try"
      />
      <div style={{ marginTop: 8 }} data-testid="classifier-try-result">
        {shown && shown.matterTypes.length === 0 && (
          <Typography.Text type="secondary">{t('classifier.noClue')}</Typography.Text>
        )}
        {shown?.matterTypes.map((m, i) => (
          <Tag key={m.code} color={i === 0 ? 'blue' : undefined} data-testid="classifier-try-type">
            {m.code} {m.name} <span style={{ opacity: 0.6 }}>{scorePercent(m.score)}</span>
          </Tag>
        ))}
        {shown && shown.places.length > 0 && (
          <div style={{ marginTop: 4 }}>
            <Typography.Text type="secondary">{t('classifier.places')}</Typography.Text>{' '}
            {shown.places.map((p) => (
              <Tag key={p.id} data-testid="classifier-try-place">
                {p.name}
                {p.gridId ? ` · ${p.gridId}` : ''}
              </Tag>
            ))}
          </div>
        )}
      </div>
    </Card>
  );
}

function StatusCard() {
  const { t } = useTranslation();
  const status = useQuery({
    queryKey: ['classifier', 'status'],
    queryFn: () => api.get<Status>('/api/classifier/status'),
  });
  const s = status.data;
  return (
    <Card
      size="small"
      title={t('classifier.status')}
      loading={status.isLoading}
      data-testid="classifier-status"
    >
      {s && (
        <>
          <Row gutter={8}>
            <Col span={6}>
              <Statistic title={t('classifier.source.seed')} value={s.texts.seed} />
            </Col>
            <Col span={6}>
              <Statistic title={t('classifier.source.confirmed')} value={s.texts.confirmed} />
            </Col>
            <Col span={6}>
              <Statistic title={t('classifier.source.corrected')} value={s.texts.corrected} />
            </Col>
            <Col span={6}>
              <Statistic title={t('classifier.retired')} value={s.texts.retired} />
            </Col>
          </Row>
          <Descriptions
            size="small"
            column={2}
            style={{ marginTop: 8 }}
            items={[
              { key: 'rev', label: t('classifier.revision'), children: s.revision },
              { key: 'types', label: t('classifier.types'), children: s.types },
              { key: 'terms', label: t('classifier.lexiconTerms'), children: s.lexiconTerms },
              {
                key: 'model',
                label: t('classifier.inModel'),
                children: t('classifier.inModelValue', {
                  texts: s.inModel.texts,
                  learned: s.inModel.learned,
                }),
              },
              {
                key: 'bounds',
                label: t('classifier.bounds'),
                span: 2,
                children: t('classifier.boundsValue', { cap: s.learnedCapPerType, chars: s.maxLearnText }),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

function RetireDialog({ sample, onClose }: { sample: Sample; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <FormModal<{ reason: string }, Sample>
      title={t('classifier.retireTitle')}
      testId="classifier-retire-form"
      submitTestId="classifier-retire-submit"
      intro={
        <Typography.Paragraph>
          <Typography.Text type="secondary">{t('classifier.retireHelp')}</Typography.Text>
          <br />“{sample.text}” → {sample.matterCode} {sample.matterName}
        </Typography.Paragraph>
      }
      mutationFn={(v) =>
        api.post<Sample>(`/api/classifier/samples/${sample.id}/retire`, { reason: v.reason.trim() })
      }
      success={t('classifier.retired')}
      invalidate={['classifier']}
      onClose={onClose}
    >
      <Form.Item
        name="reason"
        label={t('classifier.retireReason')}
        rules={[{ required: true, whitespace: true, max: 500 }]}
      >
        <Input.TextArea rows={2} maxLength={500} data-testid="classifier-retire-reason" />
      </Form.Item>
    </FormModal>
  );
}

export function ClassifierPanel() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canRetire = me?.permissions.includes('catalog:manage') ?? false;
  const [retiring, setRetiring] = useState<Sample | null>(null);
  const list = usePagedList<ListResult<Sample>, Filters>({
    queryKey: ['classifier', 'samples'],
    path: '/api/classifier/samples',
  });

  const columns: ColumnsType<Sample> = [
    {
      title: t('classifier.text'),
      dataIndex: 'text',
      render: (text: string) => <Typography.Paragraph style={{ margin: 0 }}>{text}</Typography.Paragraph>,
    },
    {
      title: t('classifier.type'),
      dataIndex: 'matterCode',
      width: 200,
      render: (code: string, r) => (
        <span>
          <Typography.Text code>{code}</Typography.Text> {r.matterName}
        </span>
      ),
    },
    {
      title: t('classifier.sourceTitle'),
      dataIndex: 'source',
      width: 200,
      render: (source: Source, r) => (
        <Space orientation="vertical" size={0}>
          <Tag color={SOURCE_COLOR[source]}>{t(`classifier.source.${source}`)}</Tag>
          {source === 'corrected' && r.suggestedCode && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('classifier.wasSuggested', { code: r.suggestedCode, name: r.suggestedName ?? '' })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('classifier.who'),
      width: 190,
      render: (_, r) =>
        r.source === 'seed' ? (
          <Typography.Text type="secondary">
            {r.voice ? t(`classifier.voice.${r.voice}`) : '—'}
          </Typography.Text>
        ) : (
          <Space orientation="vertical" size={0}>
            <span>{r.createdByName ?? '—'}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(r.createdAt)}
            </Typography.Text>
            {r.caseId && <Link to={`/cases/${r.caseId}`}>{t('classifier.openCase')}</Link>}
          </Space>
        ),
    },
    {
      title: t('common.actions'),
      width: 110,
      render: (_, r) =>
        r.retiredAt ? (
          <Typography.Text type="secondary" title={r.retiredReason ?? ''}>
            {t('classifier.retiredAt', { at: formatTime(r.retiredAt) })}
          </Typography.Text>
        ) : (
          canRetire && (
            <Button
              size="small"
              danger
              icon={<StopOutlined />}
              onClick={() => setRetiring(r)}
              data-testid="classifier-retire"
            >
              {t('classifier.retire')}
            </Button>
          )
        ),
    },
  ];

  return (
    <div data-testid="classifier-panel">
      <Typography.Paragraph type="secondary">{t('classifier.intro')}</Typography.Paragraph>
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col xs={24} xl={12}>
          <StatusCard />
        </Col>
        <Col xs={24} xl={12}>
          <TryIt />
        </Col>
      </Row>
      <Form<Filters>
        layout="inline"
        style={{ marginBottom: 16 }}
        onFinish={(v) => list.setFilters(cleanFilters(v))}
        data-testid="classifier-filter"
      >
        <Form.Item name="source" label={t('classifier.sourceTitle')}>
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('common.all')}
            options={(['corrected', 'confirmed', 'seed'] as const).map((s) => ({
              value: s,
              label: t(`classifier.source.${s}`),
            }))}
            data-testid="classifier-filter-source"
          />
        </Form.Item>
        <Form.Item name="matterCode" label={t('classifier.type')} rules={[{ pattern: /^\d{5}$/ }]}>
          <Input allowClear style={{ width: 100 }} placeholder="06010" />
        </Form.Item>
        <Form.Item name="q" label={t('common.keyword')}>
          <Input allowClear maxLength={50} data-testid="classifier-filter-q" />
        </Form.Item>
        <Form.Item name="retired" label={t('classifier.showRetired')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="classifier-search">
          {t('common.search')}
        </Button>
      </Form>
      <PagedTable<Sample>
        list={list}
        columns={columns}
        locale={{ emptyText: <Empty description={t('classifier.noSamples')} /> }}
        data-testid="classifier-samples"
      />
      {retiring && <RetireDialog sample={retiring} onClose={() => setRetiring(null)} />}
    </div>
  );
}
