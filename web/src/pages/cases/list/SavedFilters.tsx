/**
 * "My filters" (我的筛选): the caller's saved filters of the case list (GET/POST/DELETE
 * /api/saved-filters, each the owner's only). Choosing one puts its query into the address bar;
 * "save" keeps the current one under a name.
 */
import { DeleteOutlined, DownOutlined, FilterOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Form, Input, Modal, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../../api/client';
import type { ApiBody, ApiResponse } from '../../../api/types';

type SavedFilter = ApiResponse<'/api/saved-filters', 'get'>['items'][number];
export type SavedQuery = ApiBody<'/api/saved-filters', 'post'>['query'];

export function SavedFilters({
  current,
  onApply,
}: {
  current: SavedQuery;
  onApply: (query: SavedQuery) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string }>();
  const list = useQuery({
    queryKey: ['saved-filters'],
    queryFn: () => api.get<{ items: SavedFilter[] }>('/api/saved-filters'),
  });
  const save = useMutation({
    mutationFn: (name: string) => api.post<SavedFilter>('/api/saved-filters', { name, query: current }),
    onSuccess: (f) => {
      void qc.invalidateQueries({ queryKey: ['saved-filters'] });
      void message.success(t('case.list.filterSaved', { name: f.name }));
      setOpen(false);
      form.resetFields();
    },
    onError: (e) => {
      if (isApiError(e)) form.setFields([{ name: 'name', errors: [e.message] }]);
    },
  });
  const remove = useMutation({
    mutationFn: (f: SavedFilter) => api.delete(`/api/saved-filters/${f.id}`).then(() => f),
    onSuccess: (f) => {
      void qc.invalidateQueries({ queryKey: ['saved-filters'] });
      void message.success(t('case.list.filterDeleted', { name: f.name }));
    },
  });
  const items = list.data?.items ?? [];

  return (
    <Space.Compact>
      <Dropdown
        trigger={['click']}
        menu={{
          items: items.length
            ? items.map((f) => ({
                key: f.id,
                label: (
                  <span
                    data-testid="saved-filter"
                    data-name={f.name}
                    style={{ display: 'flex', justifyContent: 'space-between', gap: 16, minWidth: 180 }}
                  >
                    <span>{f.name}</span>
                    <DeleteOutlined
                      title={t('case.list.deleteFilter')}
                      data-testid="saved-filter-delete"
                      onClick={(e) => {
                        e.stopPropagation();
                        remove.mutate(f);
                      }}
                    />
                  </span>
                ),
                onClick: () => onApply(f.query),
              }))
            : [{ key: 'none', disabled: true, label: t('case.list.noSavedFilters') }],
        }}
      >
        <Button icon={<FilterOutlined />} data-testid="saved-filters">
          {t('case.list.savedFilters')} <DownOutlined />
        </Button>
      </Dropdown>
      <Button
        icon={<SaveOutlined />}
        onClick={() => setOpen(true)}
        data-testid="save-filter"
        title={t('case.list.saveFilter')}
      />
      <Modal
        open={open}
        title={t('case.list.saveFilterTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v.name.trim()))}
        confirmLoading={save.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="name"
            label={t('case.list.filterName')}
            rules={[{ required: true, whitespace: true, message: t('case.list.filterNameRequired') }]}
          >
            <Input maxLength={50} autoFocus data-testid="filter-name" />
          </Form.Item>
        </Form>
      </Modal>
    </Space.Compact>
  );
}
