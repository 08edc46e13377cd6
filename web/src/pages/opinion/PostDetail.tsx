/**
 * One post of the queue: where it came from (the source link opens in a new tab, with no referrer
 * and no access back to this page), its words as plain text, the types and places found in it,
 * the place on a small map, what was decided, and the buttons of the actions the server allows.
 */
import { ExportOutlined, LinkOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Popconfirm, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { DivisionName } from '../../components/case/CaseBits';
import { useSave } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { CityMap } from '../../components/map/CityMap';
import { scorePercent } from '../../components/suggest/useSuggestions';
import { type Post, STATE_COLOURS } from './api';
import { DismissDialog, LinkDialog, ReportDialog } from './PostDialogs';

type Dialog = 'report' | 'dismiss' | 'link' | null;

export function PostDetail({ post }: { post: Post }) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<Dialog>(null);
  const unlink = useSave({
    mutationFn: () => api.post<Post>(`/api/opinion/posts/${post.id}/unlink`, { version: post.version }),
    invalidate: ['opinion'],
    refreshOnError: 'conflict',
    success: t('opinion.unlinked'),
  });
  const may = (a: Post['actions'][number]) => post.actions.includes(a);

  return (
    <Card
      size="small"
      data-testid="opinion-detail"
      title={
        <Space size={6} wrap>
          <Tag color={STATE_COLOURS[post.state]} data-testid="opinion-detail-state">
            {t(`opinion.state.${post.state}`)}
          </Tag>
          <Typography.Text strong>{post.title}</Typography.Text>
        </Space>
      }
      extra={
        post.link ? (
          <a href={post.link} target="_blank" rel="noopener noreferrer" data-testid="opinion-source">
            <ExportOutlined /> {t('opinion.source')}
          </a>
        ) : null
      }
    >
      <Descriptions
        size="small"
        column={2}
        items={[
          { key: 'feed', label: t('opinion.field.feed'), children: post.feedName },
          { key: 'author', label: t('opinion.field.author'), children: post.author ?? '—' },
          { key: 'published', label: t('opinion.field.published'), children: formatTime(post.publishedAt) },
          { key: 'fetched', label: t('opinion.field.fetched'), children: formatTime(post.fetchedAt) },
          {
            key: 'types',
            label: t('opinion.field.types'),
            span: 2,
            children: post.types.length ? (
              <Space size={4} wrap data-testid="opinion-types">
                {post.types.slice(0, 3).map((ty) => (
                  <Tag key={ty.code} color={ty.code === post.matterCode ? 'geekblue' : undefined}>
                    {ty.code} {ty.name} · {scorePercent(ty.score)}
                  </Tag>
                ))}
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('opinion.noType')}</Typography.Text>
            ),
          },
          {
            key: 'place',
            label: t('opinion.field.place'),
            span: 2,
            children: post.place ? (
              <span data-testid="opinion-place">
                {post.place.name}
                {post.districtCode ? (
                  <Typography.Text type="secondary">
                    {' '}
                    · <DivisionName code={post.districtCode} />
                  </Typography.Text>
                ) : null}
              </span>
            ) : (
              <Typography.Text type="secondary">{t('opinion.noPlace')}</Typography.Text>
            ),
          },
        ]}
      />
      {/* The post's words are text: React escapes them, nothing in them is ever markup. */}
      <Typography.Paragraph
        style={{
          whiteSpace: 'pre-wrap',
          background: '#fafafa',
          padding: 12,
          borderRadius: 4,
          margin: '8px 0',
        }}
        data-testid="opinion-text"
      >
        {post.text || post.title}
      </Typography.Paragraph>
      {post.place && (
        <CityMap
          marker={{ lng: post.place.lng, lat: post.place.lat }}
          height={220}
          zoom={16}
          testId="opinion-map"
          focusKey={post.id}
        />
      )}
      {post.state !== 'new' && (
        <Descriptions
          size="small"
          column={2}
          style={{ marginTop: 8 }}
          data-testid="opinion-decision"
          items={[
            {
              key: 'by',
              label: t('opinion.field.decidedBy'),
              children: post.autoLinked ? t('opinion.autoLinked') : (post.decidedByName ?? '—'),
            },
            { key: 'at', label: t('opinion.field.decidedAt'), children: formatTime(post.decidedAt) },
            ...(post.caseId
              ? [
                  {
                    key: 'case',
                    label: t('opinion.field.case'),
                    children: post.caseCode ? (
                      <Link to={`/cases/${post.caseId}`} style={{ fontFamily: 'monospace' }}>
                        <LinkOutlined /> {post.caseCode}
                      </Link>
                    ) : (
                      '—'
                    ),
                  },
                ]
              : []),
            ...(post.reason
              ? [{ key: 'reason', label: t('opinion.field.reason'), children: post.reason }]
              : []),
          ]}
        />
      )}
      <Space style={{ marginTop: 12 }} wrap>
        {may('report') && (
          <Button type="primary" onClick={() => setDialog('report')} data-testid="opinion-report">
            {t('opinion.action.report')}
          </Button>
        )}
        {may('link') && (
          <Button onClick={() => setDialog('link')} data-testid="opinion-link">
            {t('opinion.action.link')}
          </Button>
        )}
        {may('dismiss') && (
          <Button danger onClick={() => setDialog('dismiss')} data-testid="opinion-dismiss">
            {t('opinion.action.dismiss')}
          </Button>
        )}
        {may('unlink') && (
          <Popconfirm title={t('opinion.confirmUnlink')} onConfirm={() => unlink.mutate(undefined)}>
            <Button loading={unlink.isPending} data-testid="opinion-unlink">
              {t('opinion.action.unlink')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      {dialog === 'report' && <ReportDialog post={post} onClose={() => setDialog(null)} />}
      {dialog === 'dismiss' && <DismissDialog post={post} onClose={() => setDialog(null)} />}
      {dialog === 'link' && <LinkDialog post={post} onClose={() => setDialog(null)} />}
    </Card>
  );
}
