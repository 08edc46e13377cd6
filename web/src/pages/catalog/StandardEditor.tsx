import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
} from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api/client';
import { formatTime } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import { timeAmount, withColon } from '../../components/wording';
import {
  AREA_CLASSES,
  type CatalogType,
  type Condition,
  limitKey,
  type Standard,
  TIME_UNITS,
  type TimeLimit,
  URGENCIES,
} from './api';

interface FormValues {
  /** `urgent`: 立即按紧急案件处理 — a case filed under the condition becomes urgent. */
  filingConditions: { text: string; urgent?: boolean }[];
  closingConditions: { text: string }[];
  limits: Record<string, { amount: number; unit: TimeLimit['unit'] }>;
  defaultUnitType?: string;
  note?: string;
  reason: string;
}

/** Rows of a standard for display and comparison: one label → one text. */
export function standardRows(s: Standard, t: TFunction): [string, string][] {
  const rows: [string, string][] = [];
  for (const [i, c] of s.filingConditions.entries())
    rows.push([
      `${t('catalog.filing')} ${i + 1}`,
      c.urgent ? `${c.text}（${t('catalog.urgentCondition')}）` : c.text,
    ]);
  for (const l of s.timeLimits) {
    rows.push([
      `${t('catalog.area')} ${l.areaClass} · ${t(`catalog.urgency.${l.urgency}`)}`,
      timeAmount(t, l.amount, l.unit, 'catalog.unit'),
    ]);
  }
  for (const [i, c] of s.closingConditions.entries()) rows.push([`${t('catalog.closing')} ${i + 1}`, c.text]);
  rows.push([t('catalog.unitType'), s.defaultUnitType ?? '—']);
  return rows;
}

export function StandardEditor({
  matter,
  canManage,
  onClose,
}: {
  matter: CatalogType;
  canManage: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [tab, setTab] = useState('current');
  const current = useQuery({
    queryKey: ['catalog', 'standard', matter.code],
    queryFn: () => api.get<Standard>(`/api/catalog/standards/${matter.code}`),
  });
  const versions = useQuery({
    queryKey: ['catalog', 'standard', matter.code, 'versions'],
    queryFn: () => api.get<{ items: Standard[] }>(`/api/catalog/standards/${matter.code}/versions`),
  });
  const s = current.data;
  return (
    <Drawer
      open
      width={760}
      onClose={onClose}
      title={`${withColon(t, t('catalog.standard'))}${matter.code} ${matter.name}`}
      data-testid="standard-drawer"
    >
      {s && (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'current',
              label: t('catalog.currentVersion', { version: s.version }),
              children: (
                <>
                  <Space style={{ marginBottom: 8 }}>
                    <Tag color="blue" data-testid="standard-version">
                      v{s.version}
                    </Tag>
                    {s.isDefault && <Tag>{t('catalog.isDefault')}</Tag>}
                    <span>
                      {formatTime(s.createdAt)} · {s.createdBy ?? '—'}
                    </span>
                  </Space>
                  <Descriptions bordered size="small" column={1} data-testid="standard-current">
                    {standardRows(s, t).map(([k, v]) => (
                      <Descriptions.Item key={k} label={k}>
                        {v}
                      </Descriptions.Item>
                    ))}
                  </Descriptions>
                </>
              ),
            },
            ...(canManage
              ? [
                  {
                    key: 'edit',
                    label: t('common.edit'),
                    children: <EditForm standard={s} onSaved={() => setTab('current')} />,
                  },
                ]
              : []),
            {
              key: 'versions',
              label: t('catalog.versions'),
              children: <Versions current={s} items={versions.data?.items ?? []} />,
            },
          ]}
        />
      )}
    </Drawer>
  );
}

function EditForm({ standard, onSaved }: { standard: Standard; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const limits: FormValues['limits'] = {};
  for (const l of standard.timeLimits) limits[limitKey(l)] = { amount: l.amount, unit: l.unit };
  const save = useMutation({
    mutationFn: (v: FormValues) =>
      api.put<Standard>(`/api/catalog/standards/${standard.matterCode}`, {
        version: standard.version,
        reason: v.reason.trim(),
        filingConditions: v.filingConditions.map((c) => ({ text: c.text, urgent: !!c.urgent })),
        closingConditions: v.closingConditions,
        timeLimits: AREA_CLASSES.flatMap((areaClass) =>
          URGENCIES.map((urgency) => ({ areaClass, urgency, ...v.limits[limitKey({ areaClass, urgency })] })),
        ),
        defaultUnitType: v.defaultUnitType?.trim() || null,
        note: v.note?.trim() || null,
      }),
    onSuccess: (row) => {
      void message.success(t('catalog.newVersionSaved', { version: row.version }));
      void qc.invalidateQueries({ queryKey: ['catalog', 'standard', standard.matterCode] });
      onSaved();
    },
    onError: (e) => {
      showServerError(e, message, form);
      if (isApiError(e) && e.status === 409) void qc.invalidateQueries({ queryKey: ['catalog', 'standard'] });
    },
  });
  const conditionList = (name: 'filingConditions' | 'closingConditions', testId: string) => (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
              <Form.Item
                name={[f.name, 'text']}
                rules={[{ required: true, whitespace: true }]}
                style={{ width: name === 'filingConditions' ? 440 : 560 }}
              >
                <Input.TextArea autoSize maxLength={500} data-testid={`${testId}-${f.name}`} />
              </Form.Item>
              {name === 'filingConditions' && (
                <Form.Item name={[f.name, 'urgent']} valuePropName="checked">
                  <Checkbox data-testid={`${testId}-urgent-${f.name}`}>
                    {t('catalog.urgentCondition')}
                  </Checkbox>
                </Form.Item>
              )}
              {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
            </Space>
          ))}
          <Button
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => add({ text: '' })}
            data-testid={`${testId}-add`}
          >
            {t('catalog.addCondition')}
          </Button>
        </>
      )}
    </Form.List>
  );
  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      data-testid="standard-form"
      initialValues={{
        filingConditions: standard.filingConditions.map((c) => ({ text: c.text, urgent: !!c.urgent })),
        closingConditions: standard.closingConditions.map((c: Condition) => ({ text: c.text })),
        limits,
        defaultUnitType: standard.defaultUnitType ?? '',
        note: standard.note ?? '',
      }}
      onFinish={(v) => save.mutate(v)}
    >
      <Form.Item label={t('catalog.filing')}>
        {conditionList('filingConditions', 'standard-filing')}
      </Form.Item>
      <Form.Item label={t('catalog.timeLimits')}>
        <Table
          size="small"
          pagination={false}
          rowKey="area"
          data-testid="standard-limits"
          dataSource={AREA_CLASSES.map((area) => ({ area }))}
          columns={[
            { title: t('catalog.area'), dataIndex: 'area', width: 70 },
            ...URGENCIES.map((urgency) => ({
              title: t(`catalog.urgency.${urgency}`),
              key: urgency,
              render: (_: unknown, r: { area: string }) => {
                const k = `${r.area}/${urgency}`;
                return (
                  <Space.Compact>
                    <Form.Item name={['limits', k, 'amount']} noStyle rules={[{ required: true }]}>
                      <InputNumber
                        min={0.5}
                        max={1000}
                        step={0.5}
                        style={{ width: 90 }}
                        data-testid={`standard-limit-${r.area}-${urgency}`}
                      />
                    </Form.Item>
                    <Form.Item name={['limits', k, 'unit']} noStyle>
                      <Select
                        style={{ width: 120 }}
                        options={TIME_UNITS.map((u) => ({ value: u, label: t(`catalog.unit.${u}`) }))}
                      />
                    </Form.Item>
                  </Space.Compact>
                );
              },
            })),
          ]}
        />
      </Form.Item>
      <Form.Item label={t('catalog.closing')}>
        {conditionList('closingConditions', 'standard-closing')}
      </Form.Item>
      <Form.Item name="defaultUnitType" label={t('catalog.unitType')}>
        <Input maxLength={50} data-testid="standard-unit-type" />
      </Form.Item>
      <Form.Item name="note" label={t('catalog.note')}>
        <Input.TextArea autoSize maxLength={1000} />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('catalog.reason')}
        rules={[{ required: true, whitespace: true, message: t('catalog.reasonRequired') }]}
      >
        <Input maxLength={500} data-testid="standard-reason" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="standard-save">
        {t('catalog.saveNewVersion')}
      </Button>
    </Form>
  );
}

function Versions({ current, items }: { current: Standard; items: Standard[] }) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Standard | null>(null);
  const cur = new Map(standardRows(current, t));
  const old = selected ? new Map(standardRows(selected, t)) : null;
  const keys = old ? [...new Set([...old.keys(), ...cur.keys()])] : [];
  return (
    <>
      <Table<Standard>
        size="small"
        rowKey="id"
        pagination={false}
        data-testid="standard-versions"
        dataSource={items}
        rowSelection={{
          type: 'radio',
          selectedRowKeys: selected ? [selected.id] : [],
          onChange: (_, rows) => setSelected(rows[0] ?? null),
        }}
        columns={[
          {
            title: t('catalog.version'),
            dataIndex: 'version',
            width: 70,
            render: (v: number, r) => (
              <Space>
                v{v}
                {r.current && <Tag color="blue">{t('catalog.current')}</Tag>}
              </Space>
            ),
          },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: formatTime },
          { title: t('catalog.author'), dataIndex: 'createdBy' },
          { title: 'ID', dataIndex: 'id', ellipsis: true },
        ]}
      />
      {selected && old && (
        <Table
          style={{ marginTop: 16 }}
          size="small"
          pagination={false}
          rowKey="k"
          data-testid="standard-diff"
          title={() => t('catalog.diffTitle', { old: selected.version, current: current.version })}
          dataSource={keys.map((k) => ({ k, a: old.get(k) ?? '—', b: cur.get(k) ?? '—' }))}
          rowClassName={(r) => (r.a !== r.b ? 'standard-diff-changed' : '')}
          columns={[
            { title: '', dataIndex: 'k', width: 150 },
            {
              title: `v${selected.version}`,
              dataIndex: 'a',
              render: (v: string, r) => (r.a !== r.b ? <Tag color="red">{v}</Tag> : v),
            },
            {
              title: `v${current.version}`,
              dataIndex: 'b',
              render: (v: string, r) => (r.a !== r.b ? <Tag color="green">{v}</Tag> : v),
            },
          ]}
        />
      )}
    </>
  );
}
