import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatTime } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import { COMPONENT_STATES, type Component, STATE_COLORS } from './types';

/** Attributes of one component; holders of component:manage change its state (with a reason). */
export function ComponentDrawer({
  component,
  canManage,
  onClose,
}: {
  component: Component | null;
  canManage: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ state: string; reason?: string }>();
  const save = useMutation({
    mutationFn: (v: { state: string; reason?: string }) =>
      api.patch<Component>(`/api/components/${component!.id}`, {
        version: component!.version,
        state: v.state,
        ...(v.reason ? { reason: v.reason } : {}),
      }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['components'] });
      onClose();
    },
    onError: (e) => showServerError(e, message, form),
  });
  const c = component;
  const dash = (v: string | null | undefined) => v || '—';
  return (
    <Drawer
      open={!!c}
      onClose={onClose}
      size="large"
      title={c ? `${c.typeName ?? c.typeCode} ${c.id}` : ''}
      destroyOnHidden
      data-testid="component-drawer"
    >
      {c && (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('components.id')}>
              <Typography.Text copyable code>
                {c.id}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('components.type')}>
              {c.typeCode} {c.typeName}
            </Descriptions.Item>
            <Descriptions.Item label={t('components.name')}>{c.name}</Descriptions.Item>
            <Descriptions.Item label={t('components.state')}>
              <Tag color={STATE_COLORS[c.state]}>{t(`components.states.${c.state}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('components.grid')}>{dash(c.gridId)}</Descriptions.Item>
            <Descriptions.Item label={t('components.district')}>{c.districtCode}</Descriptions.Item>
            <Descriptions.Item label={t('components.position')}>
              {c.lng.toFixed(7)}, {c.lat.toFixed(7)} (WGS84, {c.geometry.type})
            </Descriptions.Item>
            <Descriptions.Item label={t('components.ownerDept')}>{dash(c.ownerDept)}</Descriptions.Item>
            <Descriptions.Item label={t('components.propertyDept')}>{dash(c.propertyDept)}</Descriptions.Item>
            <Descriptions.Item label={t('components.maintainerDept')}>
              {dash(c.maintainerDept)}
            </Descriptions.Item>
            <Descriptions.Item label={t('components.installedAt')}>{dash(c.installedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('components.surveyedAt')}>{dash(c.surveyedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('components.source')}>{c.source}</Descriptions.Item>
            <Descriptions.Item label={t('components.legacyId')}>{dash(c.legacyId)}</Descriptions.Item>
            {Object.entries(c.attrs).map(([k, v]) => (
              <Descriptions.Item key={k} label={k}>
                {typeof v === 'object' ? JSON.stringify(v) : String(v)}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={t('common.updatedAt')}>
              {formatTime(c.updatedAt)} (v{c.version})
            </Descriptions.Item>
          </Descriptions>
          {canManage && (
            <Form
              form={form}
              layout="vertical"
              style={{ marginTop: 16 }}
              initialValues={{ state: c.state }}
              onFinish={(v) => save.mutate(v)}
              data-testid="component-state-form"
            >
              <Form.Item name="state" label={t('components.changeState')} rules={[{ required: true }]}>
                <Select
                  options={COMPONENT_STATES.map((s) => ({ value: s, label: t(`components.states.${s}`) }))}
                  data-testid="component-state"
                />
              </Form.Item>
              <Form.Item name="reason" label={t('components.reason')}>
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
              <Space>
                <Button
                  type="primary"
                  htmlType="submit"
                  loading={save.isPending}
                  data-testid="component-save"
                >
                  {t('components.save')}
                </Button>
              </Space>
            </Form>
          )}
        </>
      )}
    </Drawer>
  );
}
