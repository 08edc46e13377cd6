/**
 * 考核模板 — how a subject type's figures become a score and a grade: the items (indicator, weight,
 * how it is scored, count bands) and the grade bands, with the version history. The city's
 * `evaluation:manage` holders edit it; saving makes a new version (the one in force for rankings
 * computed from then on; published rankings keep the version that scored them). The server checks
 * the template and names each problem; the form shows the running weight total before it is sent.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ApiResponse } from '../../api/types';
import { formatTime } from '../../components/format';
import { GRADE_COLOUR } from './RankingsTab';

type TemplateList = ApiResponse<'/api/evaluation/templates', 'get'>;
type Template = TemplateList['items'][number];
type Definition = Template['definition'];
type Item = Definition['items'][number];
type Indicators = ApiResponse<'/api/evaluation/indicators', 'get'>;
type Indicator = Indicators['items'][number];
type SubjectType = Template['subjectType'];

const clone = (d: Definition): Definition => JSON.parse(JSON.stringify(d)) as Definition;

export function TemplatesTab({
  subjectType,
  indicators,
}: {
  subjectType: SubjectType;
  indicators: Indicator[];
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canEdit = me?.scope.kind === 'city' && (me?.permissions.includes('evaluation:manage') ?? false);
  const versions = useQuery({
    queryKey: ['evaluation', 'template', subjectType],
    queryFn: () => api.get<TemplateList>(`/api/evaluation/templates/${subjectType}/versions`),
  });
  const current = versions.data?.items.find((v) => v.current);
  // A draft belongs to the subject type it was opened on: another type shows its own template.
  const [opened, setDraft0] = useState<{ type: SubjectType; def: Definition } | null>(null);
  const draft = opened?.type === subjectType ? opened.def : null;
  const setDraft = (d: Definition | null) => setDraft0(d ? { type: subjectType, def: d } : null);
  const [note, setNote] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api.put<Template>(`/api/evaluation/templates/${subjectType}`, {
        baseVersion: current!.version,
        definition: draft,
        note: note || undefined,
      }),
    onSuccess: (row) => {
      setDraft(null);
      setNote('');
      void qc.invalidateQueries({ queryKey: ['evaluation', 'template', subjectType] });
      void message.success(t('evaluation.template.saved', { version: row.version }));
    },
  });
  const applicable = indicators.filter((i) => i.subjects.includes(subjectType));
  const nameOf = (key: string) => {
    const i = indicators.find((x) => x.key === key);
    return i ? (en ? i.name.en : i.name.zh) : key;
  };
  const def = draft ?? current?.definition;
  const editing = draft !== null;
  const set = (f: (d: Definition) => void) => {
    const d = clone(draft!);
    f(d);
    setDraft(d);
  };
  const total = def?.items.reduce((s, i) => s + (i.weight || 0), 0) ?? 0;

  const bandsText = (it: Item) =>
    (it.bands ?? []).map((b) => `≤${b.upTo >= 1e8 ? '∞' : b.upTo} → ${b.score}`).join('，');

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="evaluation-templates">
      {current && (
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t('evaluation.template.version')}>
            <span data-testid="template-version">{current.version}</span>
            {current.isDefault && <Tag style={{ marginLeft: 8 }}>{t('evaluation.template.default')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t('evaluation.template.savedAt')}>
            {formatTime(current.createdAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('evaluation.template.note')}>{current.note ?? '—'}</Descriptions.Item>
        </Descriptions>
      )}
      {def && (
        <Card
          size="small"
          title={t('evaluation.template.items')}
          extra={
            canEdit &&
            (editing ? (
              <Space>
                <Button onClick={() => setDraft(null)}>{t('evaluation.template.cancel')}</Button>
                <Button
                  type="primary"
                  loading={save.isPending}
                  onClick={() => save.mutate()}
                  data-testid="template-save"
                >
                  {t('evaluation.template.saveNew')}
                </Button>
              </Space>
            ) : (
              <Button
                onClick={() => current && setDraft(clone(current.definition))}
                data-testid="template-edit"
              >
                {t('evaluation.template.edit')}
              </Button>
            ))
          }
        >
          {save.error && (
            <Alert type="error" showIcon title={(save.error as Error).message} style={{ marginBottom: 8 }} />
          )}
          <Table
            rowKey={(_, n) => String(n)}
            size="small"
            pagination={false}
            dataSource={def.items}
            columns={[
              {
                title: t('evaluation.indicator'),
                render: (_: unknown, it: Item, n: number) =>
                  editing ? (
                    <Select
                      style={{ width: 220 }}
                      value={it.indicator}
                      onChange={(v) =>
                        set((d) => {
                          d.items[n].indicator = v;
                        })
                      }
                      options={applicable.map((i) => ({ value: i.key, label: en ? i.name.en : i.name.zh }))}
                    />
                  ) : (
                    nameOf(it.indicator)
                  ),
              },
              {
                title: t('evaluation.template.weight'),
                width: 120,
                render: (_: unknown, it: Item, n: number) =>
                  editing ? (
                    <InputNumber
                      min={0}
                      max={100}
                      step={1}
                      precision={2}
                      value={it.weight}
                      addonAfter="%"
                      data-testid={`template-weight-${n}`}
                      onChange={(v) =>
                        set((d) => {
                          d.items[n].weight = Number(v ?? 0);
                        })
                      }
                    />
                  ) : (
                    `${it.weight}%`
                  ),
              },
              {
                title: t('evaluation.template.scoring'),
                width: 200,
                render: (_: unknown, it: Item, n: number) =>
                  editing ? (
                    <Select
                      style={{ width: 180 }}
                      value={it.score}
                      onChange={(v) =>
                        set((d) => {
                          d.items[n].score = v;
                          if (v === 'bands' && !d.items[n].bands?.length)
                            d.items[n].bands = [{ upTo: 50, score: 100 }];
                          if (v !== 'bands') delete d.items[n].bands;
                        })
                      }
                      options={(['rate', 'inverse', 'bands'] as const).map((k) => ({
                        value: k,
                        label: t(`evaluation.template.score.${k}`),
                      }))}
                    />
                  ) : (
                    t(`evaluation.template.score.${it.score}`)
                  ),
              },
              {
                title: t('evaluation.template.bands'),
                render: (_: unknown, it: Item, n: number) =>
                  it.score !== 'bands' ? (
                    '—'
                  ) : editing ? (
                    <Space wrap size={4}>
                      {(it.bands ?? []).map((b, j) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a band is its place in the list (its limit is being edited)
                        <Space.Compact key={j} size="small">
                          <InputNumber
                            size="small"
                            min={0}
                            value={b.upTo}
                            prefix="≤"
                            style={{ width: 110 }}
                            onChange={(v) =>
                              set((d) => {
                                d.items[n].bands![j].upTo = Number(v ?? 0);
                              })
                            }
                          />
                          <InputNumber
                            size="small"
                            min={0}
                            max={100}
                            value={b.score}
                            style={{ width: 70 }}
                            onChange={(v) =>
                              set((d) => {
                                d.items[n].bands![j].score = Number(v ?? 0);
                              })
                            }
                          />
                          <Button
                            size="small"
                            icon={<DeleteOutlined />}
                            onClick={() => set((d) => void d.items[n].bands!.splice(j, 1))}
                          />
                        </Space.Compact>
                      ))}
                      <Button
                        size="small"
                        icon={<PlusOutlined />}
                        onClick={() =>
                          set((d) => {
                            const last = d.items[n].bands?.at(-1);
                            d.items[n].bands = [
                              ...(d.items[n].bands ?? []),
                              { upTo: (last?.upTo ?? 0) + 50, score: 0 },
                            ];
                          })
                        }
                      />
                    </Space>
                  ) : (
                    <Typography.Text type="secondary">{bandsText(it)}</Typography.Text>
                  ),
              },
              ...(editing
                ? [
                    {
                      width: 50,
                      render: (_: unknown, __: Item, n: number) => (
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => set((d) => void d.items.splice(n, 1))}
                        />
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {editing && (
            <Space style={{ marginTop: 8 }} wrap>
              <Button
                icon={<PlusOutlined />}
                onClick={() =>
                  set(
                    (d) =>
                      void d.items.push({ indicator: applicable[0]?.key ?? '', weight: 0, score: 'rate' }),
                  )
                }
              >
                {t('evaluation.template.addItem')}
              </Button>
              <Typography.Text
                type={Math.abs(total - 100) < 0.001 ? 'success' : 'danger'}
                data-testid="template-total"
              >
                {t('evaluation.template.total', { total })}
              </Typography.Text>
              <Input
                style={{ width: 320 }}
                placeholder={t('evaluation.template.notePlaceholder')}
                value={note}
                maxLength={500}
                onChange={(e) => setNote(e.target.value)}
              />
            </Space>
          )}
        </Card>
      )}
      {def && (
        <Card size="small" title={t('evaluation.template.grades')}>
          <Space wrap>
            {def.grades.map((g, n) => (
              <Space key={g.grade} size={4}>
                <Tag color={GRADE_COLOUR[g.grade]}>{g.grade}</Tag>
                {editing && n < def.grades.length - 1 ? (
                  <InputNumber
                    size="small"
                    min={0}
                    max={100}
                    value={g.min}
                    prefix="≥"
                    style={{ width: 90 }}
                    onChange={(v) =>
                      set((d) => {
                        d.grades[n].min = Number(v ?? 0);
                      })
                    }
                  />
                ) : (
                  <span>≥ {g.min}</span>
                )}
              </Space>
            ))}
          </Space>
        </Card>
      )}
      <Card size="small" title={t('evaluation.template.history')}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          loading={versions.isLoading}
          dataSource={versions.data?.items ?? []}
          columns={[
            { title: t('evaluation.template.version'), dataIndex: 'version', width: 80 },
            {
              title: t('evaluation.template.items'),
              render: (_: unknown, v: Template) =>
                v.definition.items.map((i) => `${nameOf(i.indicator)} ${i.weight}%`).join('；'),
            },
            {
              title: t('evaluation.template.note'),
              dataIndex: 'note',
              render: (n: string | null) => n ?? '—',
            },
            {
              title: t('evaluation.template.savedAt'),
              dataIndex: 'createdAt',
              width: 170,
              render: formatTime,
            },
            {
              width: 80,
              render: (_: unknown, v: Template) =>
                v.current ? <Tag color="blue">{t('evaluation.template.current')}</Tag> : null,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
