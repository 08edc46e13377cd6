/** People (人员与网格): the team members in scope, their posts and responsibility grids; managers add and edit them. */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { FormModal } from '../../components/FormModal';
import { type Candidate, type Member, POSTS, teamsKey } from './api';

interface Values {
  userId: string;
  posts: string[];
  gridIds: string[];
  active: boolean;
}

export function MembersTab() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('teams:manage') ?? false;
  const [editing, setEditing] = useState<Member | 'new' | null>(null);
  const q = useQuery({
    queryKey: [...teamsKey, 'members'],
    queryFn: () => api.get<{ items: Member[] }>('/api/teams/members'),
  });
  const columns: ColumnsType<Member> = [
    { title: t('teams.member.name'), dataIndex: 'name', width: 160 },
    { title: t('teams.member.org'), dataIndex: 'orgName', width: 200 },
    {
      title: t('teams.member.posts'),
      dataIndex: 'posts',
      render: (posts: string[]) => posts.map((p) => <Tag key={p}>{t(`teams.post.${p}`)}</Tag>),
    },
    {
      title: t('teams.member.grids'),
      dataIndex: 'gridIds',
      render: (ids: string[]) => (
        <Space size={[4, 4]} wrap>
          {ids.map((id) => (
            <Tag key={id}>{id}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('teams.member.active'),
      dataIndex: 'active',
      width: 80,
      render: (a: boolean, m) => (
        <Space>
          {a ? t('teams.member.activeYes') : t('teams.member.activeNo')}
          {m.generated && <Tag>{t('teams.generated')}</Tag>}
        </Space>
      ),
    },
    ...(canManage
      ? [
          {
            title: '',
            key: 'edit',
            width: 80,
            render: (_: unknown, m: Member) => (
              <Button size="small" onClick={() => setEditing(m)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <div data-testid="teams-members">
      {canManage && (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          style={{ marginBottom: 12 }}
          onClick={() => setEditing('new')}
        >
          {t('teams.member.add')}
        </Button>
      )}
      <Table<Member>
        rowKey="userId"
        size="small"
        loading={q.isPending}
        columns={columns}
        dataSource={q.data?.items ?? []}
        pagination={false}
      />
      {editing && (
        <MemberDialog member={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </div>
  );
}

function MemberDialog({ member, onClose }: { member: Member | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const candidates = useQuery({
    queryKey: [...teamsKey, 'candidates'],
    queryFn: () => api.get<{ items: Candidate[] }>('/api/teams/candidates'),
    enabled: !member,
  });
  return (
    <FormModal<Values, Member>
      form={form}
      title={member ? t('teams.member.edit', { name: member.name }) : t('teams.member.add')}
      onClose={onClose}
      initialValues={
        member
          ? { userId: member.userId, posts: member.posts, gridIds: member.gridIds, active: member.active }
          : { posts: ['inspector'], gridIds: [], active: true }
      }
      testId="member-form"
      submitTestId="member-submit"
      mutationFn={(v) =>
        api.put<Member>(`/api/teams/members/${member?.userId ?? v.userId}`, {
          posts: v.posts,
          gridIds: v.gridIds,
          active: v.active,
          ...(member ? { version: member.version } : {}),
        })
      }
      invalidate={teamsKey}
      refreshOnError="conflict"
      success={t('teams.member.saved')}
    >
      {!member && (
        <Form.Item name="userId" label={t('teams.member.person')} rules={[{ required: true }]}>
          <Select
            showSearch
            optionFilterProp="label"
            options={(candidates.data?.items ?? [])
              .filter((c) => !c.member)
              .map((c) => ({ value: c.userId, label: `${c.name}（${c.username ?? ''}）` }))}
          />
        </Form.Item>
      )}
      <Form.Item name="posts" label={t('teams.member.posts')} rules={[{ required: true }]}>
        <Select mode="multiple" options={POSTS.map((p) => ({ value: p, label: t(`teams.post.${p}`) }))} />
      </Form.Item>
      <Form.Item name="gridIds" label={t('teams.member.grids')} extra={t('teams.member.gridsHint')}>
        <Select mode="tags" tokenSeparators={[',', ' ', '，']} open={false} />
      </Form.Item>
      <Form.Item name="active" label={t('teams.member.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Typography.Text type="secondary">{t('teams.member.scopeHint')}</Typography.Text>
    </FormModal>
  );
}
