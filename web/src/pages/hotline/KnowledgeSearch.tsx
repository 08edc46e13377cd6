/**
 * Answering an enquiry: the operator types the caller's question (in the caller's words) and the
 * knowledge base answers with its best entries; the one chosen is the answer read out, and the
 * call is finished as answered from it.
 */
import { BookOutlined, CheckOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type KnowledgeEntry, useKnowledge } from './api';

export function KnowledgeSearch({
  chosen,
  onChoose,
}: {
  chosen: KnowledgeEntry | null;
  onChoose: (e: KnowledgeEntry | null) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useKnowledge({ q, pageSize: 5 }, q !== '');
  const items = q === '' ? [] : (found.data?.items ?? []);
  return (
    <div data-testid="hotline-kb">
      <Input.Search
        allowClear
        value={text}
        onChange={(e) => setText(e.target.value)}
        onSearch={(v) => setQ(v.trim())}
        placeholder={t('hotline.kb.placeholder')}
        loading={found.isFetching}
        maxLength={200}
        data-testid="hotline-kb-search"
      />
      {chosen && (
        <Alert
          type="success"
          showIcon
          icon={<BookOutlined />}
          style={{ marginTop: 8 }}
          data-testid="hotline-kb-chosen"
          title={
            <Space>
              <span>{chosen.question}</span>
              <Tag>{chosen.category}</Tag>
              {chosen.generated && <Tag color="orange">{t('hotline.kb.generated')}</Tag>}
            </Space>
          }
          description={<div style={{ whiteSpace: 'pre-wrap' }}>{chosen.answer}</div>}
          closable={{ onClose: () => onChoose(null) }}
        />
      )}
      {q !== '' && !chosen && (
        <List
          size="small"
          style={{ marginTop: 8 }}
          data-testid="hotline-kb-results"
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('hotline.kb.none')} />,
          }}
          dataSource={items}
          renderItem={(e) => (
            <List.Item
              data-testid="hotline-kb-item"
              actions={[
                <Button
                  key="use"
                  size="small"
                  type="primary"
                  icon={<CheckOutlined />}
                  onClick={() => onChoose(e)}
                  data-testid="hotline-kb-use"
                >
                  {t('hotline.kb.use')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{e.question}</span>
                    <Tag>{e.category}</Tag>
                    {e.generated && <Tag color="orange">{t('hotline.kb.generated')}</Tag>}
                  </Space>
                }
                description={
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                    {e.answer}
                  </Typography.Paragraph>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
