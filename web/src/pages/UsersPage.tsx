import { PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Form, Input, Popconfirm, Select, Space, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES } from '../../../common/identity.ts';
import { api } from '../api/client';
import { useMe } from '../api/queries';
import type { ListResult, User } from '../api/types';
import { FormModal, useSave } from '../components/FormModal';
import { formatTime } from '../components/format';
import { RoleTags, roleLabel } from '../components/labels';
import { OrgSelect } from '../components/OrgSelect';
import { PageContainer } from '../components/PageContainer';
import { cleanFilters, FilterBar, PagedTable, usePagedList } from '../components/PagedList';
import { newPasswordRules } from '../components/passwordRules';
import { ConfirmPasswordItem } from '../layout/ChangePasswordDialog';

interface Filters {
  q?: string;
  orgId?: string;
  role?: string;
}

export function UsersPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('user:manage') ?? false;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const list = usePagedList<ListResult<User>, Filters>({ queryKey: ['users'], path: '/api/users' });

  const toggle = useSave({
    mutationFn: (u: User) =>
      api.patch<User>(`/api/users/${u.id}`, { version: u.version, disabled: !u.disabled }),
    success: (u) => (u.disabled ? t('users.disabledOk') : t('users.enabledOk')),
    invalidate: ['users'],
    refreshOnError: 'conflict',
  });

  const roleOptions = ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }));

  const columns: ColumnsType<User> = [
    { title: t('user.username'), dataIndex: 'username', width: 140 },
    { title: t('user.displayName'), dataIndex: 'displayName', width: 140 },
    { title: t('user.org'), dataIndex: 'orgName', ellipsis: true },
    { title: t('user.roles'), dataIndex: 'roles', render: (roles: string[]) => <RoleTags roles={roles} /> },
    { title: t('user.phone'), dataIndex: 'phone', width: 130, render: (v: string | null) => v || '—' },
    {
      title: t('user.status'),
      key: 'status',
      width: 110,
      render: (_, u) => {
        if (u.disabled) return <Badge status="default" text={t('users.statusDisabled')} />;
        if (u.lockedUntil && dayjs(u.lockedUntil).isAfter(dayjs()))
          return (
            <Tooltip title={t('users.lockedUntil', { time: formatTime(u.lockedUntil) })}>
              <Badge status="warning" text={t('users.statusLocked')} />
            </Tooltip>
          );
        return <Badge status="success" text={t('users.statusActive')} />;
      },
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 170, render: formatTime },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 270,
      fixed: 'right',
      render: (_, u) => (
        <Space size={0} wrap>
          <Button
            type="link"
            size="small"
            onClick={() => setEditing(u)}
            data-testid={`user-edit-${u.username}`}
          >
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={
              u.disabled
                ? t('users.confirmEnable', { name: u.displayName })
                : t('users.confirmDisable', { name: u.displayName })
            }
            onConfirm={() => toggle.mutate(u)}
          >
            <Button type="link" size="small" danger={!u.disabled} data-testid={`user-toggle-${u.username}`}>
              {u.disabled ? t('users.enable') : t('users.disable')}
            </Button>
          </Popconfirm>
          <Button
            type="link"
            size="small"
            onClick={() => setResetting(u)}
            data-testid={`user-reset-${u.username}`}
          >
            {t('users.resetPassword')}
          </Button>
        </Space>
      ),
    });
  }

  return (
    <PageContainer
      testId="page-users"
      title={t('menu.users')}
      extra={
        canManage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="user-create"
          >
            {t('users.create')}
          </Button>
        )
      }
    >
      <FilterBar<Filters>
        testId="users-filter"
        searchTestId="users-search"
        onApply={(v) => list.setFilters(cleanFilters(v))}
      >
        <Form.Item name="q" label={t('common.keyword')}>
          <Input
            allowClear
            placeholder={t('users.searchPlaceholder')}
            style={{ width: 200 }}
            data-testid="users-filter-q"
          />
        </Form.Item>
        <Form.Item name="orgId" label={t('user.org')}>
          <OrgSelect allowClear style={{ width: 220 }} data-testid="users-filter-org" />
        </Form.Item>
        <Form.Item name="role" label={t('user.role')}>
          <Select
            allowClear
            options={roleOptions}
            style={{ width: 150 }}
            placeholder={t('common.all')}
            data-testid="users-filter-role"
          />
        </Form.Item>
      </FilterBar>
      <Card>
        <PagedTable<User> list={list} data-testid="users-table" columns={columns} scroll={{ x: 1100 }} />
      </Card>
      {creating && <UserDialog onClose={() => setCreating(false)} />}
      {editing && <UserDialog user={editing} onClose={() => setEditing(null)} />}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
    </PageContainer>
  );
}

interface UserFormValues {
  username: string;
  displayName: string;
  orgId: string;
  roles: string[];
  password?: string;
  confirm?: string;
  newPassword?: string;
  phone?: string;
}

function UserDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const { t } = useTranslation();
  const editing = Boolean(user);

  return (
    <FormModal<UserFormValues>
      title={editing ? t('users.editTitle', { name: user?.displayName }) : t('users.create')}
      width={560}
      testId="user-dialog"
      submitTestId="user-dialog-submit"
      initialValues={
        user
          ? { displayName: user.displayName, orgId: user.orgId, roles: user.roles, phone: user.phone ?? '' }
          : { roles: [] }
      }
      mutationFn={(v) => {
        const phone = v.phone?.trim() || null;
        if (user) {
          return api.patch<User>(`/api/users/${user.id}`, {
            version: user.version,
            displayName: v.displayName,
            orgId: v.orgId,
            roles: v.roles,
            phone,
          });
        }
        return api.post<User>('/api/users', {
          username: v.username.trim(),
          displayName: v.displayName,
          orgId: v.orgId,
          roles: v.roles,
          password: v.password,
          ...(phone ? { phone } : {}),
        });
      }}
      success={editing ? t('common.saved') : t('common.created')}
      invalidate={['users']}
      refreshOnError="conflict"
      onClose={onClose}
    >
      {!editing && (
        <Form.Item
          name="username"
          label={t('user.username')}
          rules={[
            { required: true, message: t('users.usernameRequired') },
            { pattern: /^[A-Za-z0-9_.-]{3,64}$/, message: t('users.usernameFormat') },
          ]}
        >
          <Input autoComplete="off" data-testid="user-field-username" />
        </Form.Item>
      )}
      <Form.Item
        name="displayName"
        label={t('user.displayName')}
        rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }]}
      >
        <Input data-testid="user-field-displayName" />
      </Form.Item>
      <Form.Item
        name="orgId"
        label={t('user.org')}
        rules={[{ required: true, message: t('users.orgRequired') }]}
      >
        <OrgSelect data-testid="user-field-org" />
      </Form.Item>
      <Form.Item
        name="roles"
        label={t('user.roles')}
        rules={[{ required: true, message: t('users.rolesRequired') }]}
      >
        <Select
          mode="multiple"
          showSearch={{ optionFilterProp: 'label' }}
          options={ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))}
          placeholder={t('users.rolesPlaceholder')}
          data-testid="user-field-roles"
        />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('user.phone')}
        rules={[{ pattern: /^[0-9+\-\s]{5,20}$/, message: t('users.phoneFormat') }]}
      >
        <Input data-testid="user-field-phone" />
      </Form.Item>
      {!editing && (
        <>
          <Form.Item name="password" label={t('user.password')} rules={newPasswordRules(t)}>
            <Input.Password autoComplete="new-password" data-testid="user-field-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['password']}
            rules={[
              { required: true, message: t('password.confirmRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue('password') === value
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="user-field-confirm" />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <FormModal<{ newPassword: string; confirm: string }>
      title={t('users.resetTitle', { name: user.displayName })}
      testId="reset-password-form"
      submitTestId="reset-password-submit"
      mutationFn={(v) => api.post<void>(`/api/users/${user.id}/password`, { newPassword: v.newPassword })}
      success={t('users.resetOk', { name: user.displayName })}
      onClose={onClose}
    >
      <Form.Item name="newPassword" label={t('password.new')} rules={newPasswordRules(t)}>
        <Input.Password autoComplete="new-password" data-testid="reset-field-password" />
      </Form.Item>
      <ConfirmPasswordItem />
    </FormModal>
  );
}
