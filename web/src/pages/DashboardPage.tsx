/**
 * The workbench (工作台): what waits on me, queue by queue (with overdue and warning counts), the
 * numbers of the day for my scope (China day), and shortcuts to my role's actions. Every number
 * links to the case list that it is the total of (GET /api/workbench says which).
 */
import {
  AlertOutlined,
  AuditOutlined,
  EnvironmentOutlined,
  FileAddOutlined,
  ProfileOutlined,
  RightOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Row, Space, Statistic, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { useMe } from '../api/queries';
import type { ApiResponse } from '../api/types';
import { actionLabel } from '../components/case/CaseBits';
import { useCaseEvents } from '../components/case/stream';
import { chinaHour } from '../components/china-time';
import { OrgKindTag, RoleTags, roleLabel } from '../components/labels';
import { PageContainer } from '../components/PageContainer';

type Workbench = ApiResponse<'/api/workbench', 'get'>;

const RED = '#cf1322';
const AMBER = '#d48806';

function Figure({
  testId,
  title,
  value,
  to,
  color,
}: {
  testId: string;
  title: ReactNode;
  value: number;
  to: string;
  color?: string;
}) {
  return (
    <Link to={to} data-testid={testId} data-value={value} style={{ display: 'block' }}>
      <Statistic title={title} value={value} styles={{ content: { color: value > 0 ? color : undefined } }} />
    </Link>
  );
}

export function DashboardPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const wb = useQuery({
    queryKey: ['workbench'],
    queryFn: () => api.get<Workbench>('/api/workbench'),
    staleTime: 5_000,
    refetchInterval: 60_000,
  });
  useCaseEvents(() => void wb.refetch(), { debounceMs: 2000 });
  if (!me) return null;
  const hour = chinaHour();
  const greeting =
    hour < 12 ? t('dashboard.morning') : hour < 18 ? t('dashboard.afternoon') : t('dashboard.evening');
  const has = (p: string) => (me.permissions as string[]).includes(p);
  const roles = me.user.roles as string[];
  const today = wb.data?.today;
  const day = today ? `&dateFrom=${today.date}&dateTo=${today.date}` : '';

  const shortcuts: { key: string; icon: ReactNode; label: string; to: string }[] = [];
  if (has('case:report'))
    shortcuts.push({
      key: 'report',
      icon: <FileAddOutlined />,
      label: t('workbench.shortcut.report'),
      to: '/intake',
    });
  if (roles.includes('supervisor') || roles.includes('leader'))
    shortcuts.push({
      key: 'overdue',
      icon: <AlertOutlined />,
      label: t('workbench.shortcut.overdueCases'),
      to: '/cases?view=all&light=red',
    });
  if (has('case:read')) {
    shortcuts.push({
      key: 'warning',
      icon: <WarningOutlined />,
      label: t('workbench.shortcut.warningCases'),
      to: '/cases?view=all&light=yellow',
    });
    shortcuts.push({
      key: 'all',
      icon: <ProfileOutlined />,
      label: t('workbench.shortcut.allCases'),
      to: '/cases?view=all',
    });
  }
  if (has('geo:read'))
    shortcuts.push({
      key: 'map',
      icon: <EnvironmentOutlined />,
      label: t('workbench.shortcut.map'),
      to: '/map',
    });
  if (has('audit:read'))
    shortcuts.push({
      key: 'audit',
      icon: <AuditOutlined />,
      label: t('workbench.shortcut.audit'),
      to: '/audit',
    });

  return (
    <PageContainer testId="page-dashboard" title={t('menu.dashboard')}>
      <Card style={{ marginBottom: 16 }} styles={{ body: { padding: '16px 24px' } }}>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="dashboard-welcome">
          {t('dashboard.welcome', { greeting, name: me.user.displayName })}
        </Typography.Title>
        <Space size={8} wrap style={{ marginTop: 6 }}>
          <span data-testid="dashboard-org">
            {me.org.name} <OrgKindTag kind={me.org.kind} />
          </span>
          <span data-testid="dashboard-roles">
            <RoleTags roles={me.user.roles} />
          </span>
        </Space>
      </Card>

      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card
            title={t('workbench.myWork')}
            style={{ marginBottom: 16 }}
            loading={wb.isLoading}
            data-testid="workbench-queues"
          >
            {wb.data && wb.data.queues.length === 0 && !wb.data.own && (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.noQueues')} />
            )}
            {wb.data?.queues.map((q, i) => {
              const base = `/cases?view=mine&queue=${q.role}`;
              return (
                <div
                  key={q.role}
                  data-testid={`workbench-queue-${q.role}`}
                  style={{
                    paddingTop: i ? 16 : 0,
                    marginTop: i ? 16 : 0,
                    borderTop: i ? '1px solid #f0f0f0' : undefined,
                  }}
                >
                  <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
                    <Typography.Text strong>
                      {t('workbench.queueOf', { role: roleLabel(t, q.role) })}
                    </Typography.Text>
                    <Link to={base}>
                      {t('workbench.open')} <RightOutlined />
                    </Link>
                  </div>
                  <Row gutter={16} style={{ marginTop: 8 }}>
                    <Col span={8}>
                      <Figure testId="queue-total" title={t('workbench.waiting')} value={q.total} to={base} />
                    </Col>
                    <Col span={8}>
                      <Figure
                        testId="queue-overdue"
                        title={t('workbench.overdue')}
                        value={q.overdue}
                        to={`${base}&light=red`}
                        color={RED}
                      />
                    </Col>
                    <Col span={8}>
                      <Figure
                        testId="queue-warning"
                        title={t('workbench.warning')}
                        value={q.warning}
                        to={`${base}&light=yellow`}
                        color={AMBER}
                      />
                    </Col>
                  </Row>
                  <Space size={[8, 8]} wrap style={{ marginTop: 10 }}>
                    {q.actions.map((a) => (
                      <Link key={a} to={base}>
                        <Button size="small">{actionLabel(t, a)}</Button>
                      </Link>
                    ))}
                  </Space>
                </div>
              );
            })}
            {wb.data?.own && (
              // Own reports open to self-disposal: a line apart, counted in no queue (the field
              // app shows them apart from its tasks, and the 待办 badge leaves them out).
              <div
                data-testid="workbench-own"
                style={{
                  paddingTop: wb.data.queues.length ? 16 : 0,
                  marginTop: wb.data.queues.length ? 16 : 0,
                  borderTop: wb.data.queues.length ? '1px solid #f0f0f0' : undefined,
                }}
              >
                <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
                  <Typography.Text strong>{t('workbench.own')}</Typography.Text>
                  <Link to="/cases?view=own">
                    {t('workbench.open')} <RightOutlined />
                  </Link>
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('workbench.ownHint')}
                </Typography.Text>
                <Row gutter={16} style={{ marginTop: 8 }}>
                  <Col span={8}>
                    <Figure
                      testId="own-total"
                      title={t('workbench.own')}
                      value={wb.data.own.total}
                      to="/cases?view=own"
                    />
                  </Col>
                  <Col span={8}>
                    <Figure
                      testId="own-overdue"
                      title={t('workbench.overdue')}
                      value={wb.data.own.overdue}
                      to="/cases?view=own&light=red"
                      color={RED}
                    />
                  </Col>
                  <Col span={8}>
                    <Figure
                      testId="own-warning"
                      title={t('workbench.warning')}
                      value={wb.data.own.warning}
                      to="/cases?view=own&light=yellow"
                      color={AMBER}
                    />
                  </Col>
                </Row>
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card
            title={t('workbench.shortcuts')}
            style={{ marginBottom: 16 }}
            data-testid="workbench-shortcuts"
          >
            <Space size={[8, 8]} wrap>
              {shortcuts.map((s) => (
                <Link key={s.key} to={s.to} data-testid={`shortcut-${s.key}`}>
                  <Button icon={s.icon}>{s.label}</Button>
                </Link>
              ))}
            </Space>
          </Card>
        </Col>
      </Row>

      <Card
        title={today ? t('workbench.today', { date: today.date }) : t('workbench.today', { date: '' })}
        loading={wb.isLoading}
        data-testid="workbench-today"
      >
        {today && (
          <Row gutter={[16, 16]}>
            <Col xs={12} sm={8} lg={4}>
              <Figure
                testId="today-reported"
                title={t('workbench.reported')}
                value={today.reported}
                to={`/cases?view=all&dateField=createdAt${day}`}
              />
            </Col>
            <Col xs={12} sm={8} lg={5}>
              <Figure
                testId="today-filed"
                title={t('workbench.filed')}
                value={today.filed}
                to={`/cases?view=all&dateField=filedAt${day}`}
              />
            </Col>
            <Col xs={12} sm={8} lg={5}>
              <Figure
                testId="today-dispatched"
                title={t('workbench.dispatched')}
                value={today.dispatched}
                to={`/cases?view=all&dateField=dispatchedAt${day}`}
              />
            </Col>
            <Col xs={12} sm={8} lg={5}>
              <Figure
                testId="today-closed"
                title={t('workbench.closed')}
                value={today.closed}
                to={`/cases?view=all&dateField=closedAt${day}`}
              />
            </Col>
            <Col xs={12} sm={8} lg={5}>
              <Figure
                testId="today-overdue"
                title={t('workbench.overdueNow')}
                value={today.overdue}
                to="/cases?view=all&light=red"
                color={RED}
              />
            </Col>
          </Row>
        )}
      </Card>
    </PageContainer>
  );
}
