import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Layout, Menu, Result, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../api/client';
import { useMe } from '../api/queries';
import { isAppLocale, setLocale } from '../i18n';
import { MENU_GROUPS, menuFor, menuItemForPath, menuTree } from '../menu';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';
import { hasWorkQueue, WaitingBadge } from './WaitingBadge';

const { Header, Sider, Content, Footer } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [collapsed, setCollapsed] = useState(false);
  const [pwdOpen, setPwdOpen] = useState(false);

  // After login (or reload) the UI follows the language saved for the user.
  const savedLocale = me.data?.user.locale;
  useEffect(() => {
    if (isAppLocale(savedLocale)) void setLocale(savedLocale);
  }, [savedLocale]);

  const logout = useMutation({
    mutationFn: () => api.post<void>('/api/auth/logout', undefined, { skipAuthRedirect: true }),
    onSettled: () => {
      qc.clear();
      void navigate('/login', { replace: true });
    },
  });

  if (me.isPending) {
    return (
      <div style={{ height: '100vh', display: 'grid', placeItems: 'center' }}>
        <Spin size="large" />
      </div>
    );
  }
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    }
    return (
      <Result
        status="error"
        title={t('error.loadMe')}
        subTitle={me.error.message}
        extra={
          <Button type="primary" onClick={() => void me.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }

  const data = me.data;
  const items = menuFor(data.menu);
  const current = menuItemForPath(location.pathname);
  const allowed = !current || items.includes(current);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        theme="dark"
        width={220}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        data-testid="app-sider"
      >
        <div
          style={{
            height: 64,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            gap: 10,
            color: '#fff',
            borderBottom: '1px solid rgba(255,255,255,0.08)',
            overflow: 'hidden',
            whiteSpace: 'nowrap',
          }}
          data-testid="app-brand"
        >
          <span
            style={{
              width: 32,
              height: 32,
              borderRadius: 6,
              background: '#1677ff',
              display: 'inline-grid',
              placeItems: 'center',
              fontWeight: 700,
              flex: 'none',
            }}
          >
            {t('app.logo')}
          </span>
          {!collapsed && (
            <span style={{ lineHeight: 1.2 }}>
              <div style={{ fontSize: 17, fontWeight: 600, letterSpacing: 1 }}>{t('app.name')}</div>
              <div style={{ fontSize: 11, opacity: 0.65 }}>{t('app.subtitle')}</div>
            </span>
          )}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={current ? [current.key] : []}
          // Groups start open: every page stays one click away (and the menu lists what /api/me grants).
          defaultOpenKeys={[...new Set(items.flatMap((m) => (m.group ? [`group-${m.group}`] : [])))]}
          items={menuTree(items, (m) => ({
            key: m.key,
            icon: m.icon,
            label: <span data-testid={`menu-${m.key}`}>{t(m.label)}</span>,
            onClick: () => void navigate(m.path),
          })).map((e) =>
            'group' in e
              ? {
                  key: `group-${e.group}`,
                  icon: MENU_GROUPS[e.group].icon,
                  label: <span data-testid={`menugroup-${e.group}`}>{t(MENU_GROUPS[e.group].label)}</span>,
                  children: e.children,
                }
              : e.item,
          )}
        />
      </Sider>
      <Layout>
        <Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            boxShadow: '0 1px 4px rgba(0,21,41,0.08)',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Typography.Text type="secondary" data-testid="header-org">
            {data.org.name}
          </Typography.Text>
          <Space size="middle">
            {data.permissions.includes('case:read') && hasWorkQueue(data.user.roles) && <WaitingBadge />}
            {data.permissions.includes('case:read') && <NotificationBell />}
            <LanguageSwitch loggedIn />
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  {
                    key: 'password',
                    icon: <KeyOutlined />,
                    label: <span data-testid="action-change-password">{t('layout.changePassword')}</span>,
                    onClick: () => setPwdOpen(true),
                  },
                  { type: 'divider' },
                  {
                    key: 'logout',
                    icon: <LogoutOutlined />,
                    label: <span data-testid="action-logout">{t('layout.logout')}</span>,
                    onClick: () => logout.mutate(),
                  },
                ],
              }}
            >
              <Button type="text" data-testid="header-user">
                <Space>
                  <UserOutlined />
                  <span>{data.user.displayName}</span>
                  <DownOutlined style={{ fontSize: 10 }} />
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </Header>
        <Content style={{ margin: 16 }}>
          {allowed ? (
            <Outlet />
          ) : (
            <Result
              status="403"
              title="403"
              subTitle={t('error.noAccess')}
              data-testid="page-forbidden"
              extra={
                <Button type="primary" onClick={() => void navigate('/')}>
                  {t('common.backHome')}
                </Button>
              }
            />
          )}
        </Content>
        <Footer style={{ textAlign: 'center', color: 'rgba(0,0,0,0.45)', padding: '12px 24px' }}>
          {t('app.footer')}
        </Footer>
      </Layout>
      <ChangePasswordDialog
        open={pwdOpen}
        onClose={() => setPwdOpen(false)}
        onDone={() => {
          setPwdOpen(false);
          void message.success(t('layout.passwordChanged'));
        }}
      />
    </Layout>
  );
}
