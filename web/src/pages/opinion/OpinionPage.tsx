/**
 * 网络舆情: the moderation queue. Posts the feeds brought in (the relevant ones of the caller's
 * district; the city centre also sees those naming no place), newest first, filtered by state;
 * the chosen one on the right with its source link (a new tab, no referrer), its words as text,
 * the types and places found in it on a small map, and what the caller may do with it — the
 * server's `actions`: 转为上报, 驳回, 关联案件, 取消关联.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Badge,
  Button,
  Card,
  Col,
  Empty,
  Input,
  List,
  Row,
  Segmented,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { POST_STATES, type Post, type PostState, STATE_COLOURS } from './api';
import { PostDetail } from './PostDetail';

type StateFilter = PostState | 'all';

export function OpinionPage() {
  const { t } = useTranslation();
  const [state, setState] = useState<StateFilter>('new');
  const [showIrrelevant, setShowIrrelevant] = useState(false);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string | null>(null);
  const pageSize = 20;

  const list = useQuery({
    queryKey: ['opinion', 'posts', state, showIrrelevant, q, page],
    placeholderData: keepPreviousData,
    queryFn: () =>
      api.get<ListResult<Post>>('/api/opinion/posts', {
        state: state === 'all' ? undefined : state,
        relevant: !showIrrelevant,
        q: q || undefined,
        page,
        pageSize,
      }),
  });
  const items = list.data?.items ?? [];
  // The first post is chosen when nothing (or something no longer listed) is.
  useEffect(() => {
    if (items.length && !items.some((p) => p.id === selected)) setSelected(items[0].id);
  }, [items, selected]);
  const current = items.find((p) => p.id === selected) ?? null;

  return (
    <PageContainer testId="page-opinion" title={t('opinion.title')}>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Segmented<StateFilter>
            value={state}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
            options={[
              ...POST_STATES.map((s) => ({ value: s, label: t(`opinion.state.${s}`) })),
              { value: 'all', label: t('opinion.state.all') },
            ]}
            data-testid="opinion-state"
          />
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('opinion.search')}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            data-testid="opinion-search"
          />
          <Space size={6}>
            <Switch
              size="small"
              checked={showIrrelevant}
              onChange={(v) => {
                setShowIrrelevant(v);
                setPage(1);
              }}
              data-testid="opinion-irrelevant"
            />
            <Typography.Text type="secondary">{t('opinion.showIrrelevant')}</Typography.Text>
          </Space>
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()}>
            {t('common.refresh')}
          </Button>
        </Space>
      </Card>
      {list.error && <Alert type="error" showIcon title={list.error.message} style={{ marginBottom: 12 }} />}
      <Row gutter={12}>
        <Col xs={24} xl={10}>
          <Card size="small" styles={{ body: { padding: 0 } }}>
            <List<Post>
              loading={list.isFetching}
              dataSource={items}
              locale={{ emptyText: <Empty description={t('opinion.empty')} /> }}
              pagination={{
                current: page,
                pageSize,
                total: list.data?.total ?? 0,
                size: 'small',
                onChange: setPage,
                showTotal: (total) => t('common.total', { total }),
                style: { padding: '0 12px 12px' },
              }}
              data-testid="opinion-list"
              renderItem={(p) => (
                <List.Item
                  key={p.id}
                  onClick={() => setSelected(p.id)}
                  style={{
                    cursor: 'pointer',
                    padding: '10px 12px',
                    background: p.id === selected ? '#e6f4ff' : undefined,
                  }}
                  data-testid="opinion-item"
                  data-selected={p.id === selected}
                >
                  <List.Item.Meta
                    title={
                      <Space size={6}>
                        <Badge status={p.state === 'new' ? 'processing' : 'default'} />
                        <Typography.Text strong ellipsis style={{ maxWidth: 360 }}>
                          {p.title}
                        </Typography.Text>
                      </Space>
                    }
                    description={
                      <Space size={4} wrap>
                        <Tag color={STATE_COLOURS[p.state]}>{t(`opinion.state.${p.state}`)}</Tag>
                        {p.types[0] && <Tag color="geekblue">{p.types[0].name}</Tag>}
                        {p.place && <Tag>{p.place.name}</Tag>}
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {p.feedName} · {formatTime(p.publishedAt ?? p.fetchedAt)}
                        </Typography.Text>
                      </Space>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          {current ? (
            <PostDetail post={current} />
          ) : (
            <Card>
              <Empty description={t('opinion.pick')} />
            </Card>
          )}
        </Col>
      </Row>
    </PageContainer>
  );
}
