import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ButtonProps } from 'antd';
import {
  App,
  Badge,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tooltip,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES } from '../../../common/identity.ts';
import { api, isApiError } from '../api/client';
import { useMe } from '../api/queries';
import type { ListResult, User } from '../api/types';
import { formatTime, testIdProps } from '../components/format';
import { showServerError } from '../components/formErrors';
import { RoleTags, roleLabel } from '../components/labels';
import { OrgSelect } from '../components/OrgSelect';
import { PageContainer } from '../components/PageContainer';
import { newPasswordRules } from '../components/passwordRules';
import { ConfirmPasswordItem } from '../layout/ChangePasswordDialog';

interface Filters {
  q?: string;
  orgId?: string;
  role?: string;
}

export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('user:manage') ?? false;
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [filterForm] = Form.useForm<Filters>();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const list = useQuery({
    queryKey: ['users', filters, page, pageSize],
    queryFn: () => api.get<ListResult<User>>('/api/users', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const toggle = useMutation({
    mutationFn: (u: User) =>
      api.patch<User>(`/api/users/${u.id}`, { version: u.version, disabled: !u.disabled }),
    onSuccess: (u) => {
      void message.success(u.disabled ? t('users.disabledOk') : t('users.enabledOk'));
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => {
      showServerError(e, message);
      if (isApiError(e) && e.status === 409) void qc.invalidateQueries({ queryKey: ['users'] });
    },
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

  const applyFilters = (v: Filters) => {
    setFilters({ q: v.q?.trim() || undefined, orgId: v.orgId || undefined, role: v.role || undefined });
    setPage(1);
  };

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
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form form={filterForm} layout="inline" onFinish={applyFilters} data-testid="users-filter">
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
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="users-search">
                {t('common.search')}
              </Button>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => {
                  filterForm.resetFields();
                  applyFilters({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        <Table<User>
          rowKey="id"
          size="middle"
          data-testid="users-table"
          loading={list.isFetching}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1100 }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
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
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<UserFormValues>();
  const editing = Boolean(user);

  const save = useMutation({
    mutationFn: (v: UserFormValues) => {
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
    },
    onSuccess: () => {
      void message.success(editing ? t('common.saved') : t('common.created'));
      void qc.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
    onError: (e) => {
      showServerError(e, message, form);
      if (isApiError(e) && e.status === 409) void qc.invalidateQueries({ queryKey: ['users'] });
    },
  });

  return (
    <Modal
      open
      title={editing ? t('users.editTitle', { name: user?.displayName }) : t('users.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
      okButtonProps={testIdProps<ButtonProps>('user-dialog-submit')}
    >
      <Form<UserFormValues>
        form={form}
        layout="vertical"
        data-testid="user-dialog"
        initialValues={
          user
            ? { displayName: user.displayName, orgId: user.orgId, roles: user.roles, phone: user.phone ?? '' }
            : { roles: [] }
        }
        onFinish={(v) => save.mutate(v)}
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
      </Form>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ newPassword: string; confirm: string }>();
  const reset = useMutation({
    mutationFn: (v: { newPassword: string }) =>
      api.post<void>(`/api/users/${user.id}/password`, { newPassword: v.newPassword }),
    onSuccess: () => {
      void message.success(t('users.resetOk', { name: user.displayName }));
      onClose();
    },
    onError: (e) => showServerError(e, message, form),
  });
  return (
    <Modal
      open
      title={t('users.resetTitle', { name: user.displayName })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={reset.isPending}
      destroyOnHidden
      okButtonProps={testIdProps<ButtonProps>('reset-password-submit')}
    >
      <Form form={form} layout="vertical" onFinish={(v) => reset.mutate(v)} data-testid="reset-password-form">
        <Form.Item name="newPassword" label={t('password.new')} rules={newPasswordRules(t)}>
          <Input.Password autoComplete="new-password" data-testid="reset-field-password" />
        </Form.Item>
        <ConfirmPasswordItem />
      </Form>
    </Modal>
  );
}
