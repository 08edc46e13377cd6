/**
 * 热线知识库 — the hotline's knowledge base for its editors: entries by category, searched as the
 * operators search them, added and changed (with the version read), switched off rather than
 * deleted. Entries of the demo are marked 演示 (made up for the demo, not the city's rules).
 */
import { PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { type KnowledgeEntry, useKnowledge } from './api';

interface EntryValues {
  question: string;
  answer: string;
  keywords: string[];
  category: string;
  enabled: boolean;
}

function EntryDialog({
  entry,
  categories,
  onClose,
}: {
  entry: KnowledgeEntry | null;
  categories: string[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <FormModal<EntryValues, KnowledgeEntry>
      title={entry ? t('knowledge.edit') : t('knowledge.add')}
      width={680}
      testId="knowledge-form"
      submitTestId="knowledge-save"
      initialValues={
        entry
          ? {
              question: entry.question,
              answer: entry.answer,
              keywords: entry.keywords,
              category: entry.category,
              enabled: entry.enabled,
            }
          : { keywords: [], enabled: true }
      }
      mutationFn={(v) =>
        entry
          ? api.put<KnowledgeEntry>(`/api/hotline/knowledge/${entry.id}`, { ...v, version: entry.version })
          : api.post<KnowledgeEntry>('/api/hotline/knowledge', v)
      }
      invalidate={['hotline', 'knowledge']}
      refreshOnError="conflict"
      success={t('common.saved')}
      onClose={onClose}
    >
      <Form.Item
        name="question"
        label={t('knowledge.field.question')}
        rules={[{ required: true, whitespace: true, max: 200 }]}
      >
        <Input maxLength={200} data-testid="knowledge-question" />
      </Form.Item>
      <Form.Item
        name="answer"
        label={t('knowledge.field.answer')}
        rules={[{ required: true, whitespace: true, max: 4000 }]}
      >
        <Input.TextArea rows={6} maxLength={4000} showCount data-testid="knowledge-answer" />
      </Form.Item>
      <Space style={{ width: '100%' }} align="start">
        <Form.Item
          name="category"
          label={t('knowledge.field.category')}
          rules={[{ required: true, whitespace: true, max: 20 }]}
        >
          {/* An existing category, or a new one typed in. */}
          <AutoComplete
            style={{ width: 180 }}
            maxLength={20}
            options={categories.map((c) => ({ value: c }))}
            filterOption={(input, o) => String(o?.value ?? '').includes(input.trim())}
            data-testid="knowledge-category"
          />
        </Form.Item>
        <Form.Item name="enabled" label={t('knowledge.field.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
      <Form.Item
        name="keywords"
        label={t('knowledge.field.keywords')}
        extra={t('knowledge.keywordsHint')}
        rules={[{ type: 'array', max: 20 }]}
      >
        <Select
          mode="tags"
          tokenSeparators={[',', '，', ' ']}
          open={false}
          data-testid="knowledge-keywords"
        />
      </Form.Item>
    </FormModal>
  );
}

export function KnowledgePage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<KnowledgeEntry | 'new' | null>(null);
  const list = useKnowledge({ q: q || undefined, category, includeDisabled: true, page, pageSize: 20 });
  const categories = (list.data?.categories ?? []).map((c) => c.category);
  return (
    <PageContainer
      testId="page-knowledge"
      title={t('knowledge.title')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setEditing('new')}
          data-testid="knowledge-new"
        >
          {t('knowledge.add')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          style={{ width: 320 }}
          placeholder={t('knowledge.searchPlaceholder')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          data-testid="knowledge-search"
        />
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t('knowledge.field.category')}
          value={category}
          onChange={(c) => {
            setCategory(c);
            setPage(1);
          }}
          options={(list.data?.categories ?? []).map((c) => ({
            value: c.category,
            label: `${c.category} (${c.count})`,
          }))}
        />
      </Space>
      <Table<KnowledgeEntry>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        data-testid="knowledge-list"
        pagination={
          q
            ? false
            : {
                current: page,
                pageSize: 20,
                total: list.data?.total ?? 0,
                onChange: setPage,
                showSizeChanger: false,
              }
        }
        columns={[
          {
            title: t('knowledge.field.category'),
            dataIndex: 'category',
            width: 110,
            render: (c: string) => <Tag>{c}</Tag>,
          },
          {
            title: t('knowledge.field.question'),
            key: 'question',
            render: (_, e) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{e.question}</Typography.Text>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                  {e.answer}
                </Typography.Paragraph>
              </Space>
            ),
          },
          {
            title: t('knowledge.field.keywords'),
            dataIndex: 'keywords',
            width: 200,
            render: (ks: string[]) => ks.map((k) => <Tag key={k}>{k}</Tag>),
          },
          {
            title: t('knowledge.field.state'),
            key: 'state',
            width: 120,
            render: (_, e) => (
              <Space size={4} wrap>
                {e.enabled ? (
                  <Tag color="green">{t('knowledge.enabled')}</Tag>
                ) : (
                  <Tag>{t('knowledge.disabled')}</Tag>
                )}
                {e.generated && <Tag color="orange">{t('hotline.kb.generated')}</Tag>}
              </Space>
            ),
          },
          { title: t('knowledge.field.answered'), dataIndex: 'answeredCount', width: 80 },
          { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 160, render: formatTime },
          {
            title: '',
            key: 'edit',
            width: 70,
            render: (_, e) => (
              <Button size="small" onClick={() => setEditing(e)} data-testid="knowledge-edit">
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <EntryDialog
          entry={editing === 'new' ? null : editing}
          categories={categories}
          onClose={() => setEditing(null)}
        />
      )}
    </PageContainer>
  );
}
