import { Card, Col, Descriptions, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe } from '../api/queries';
import { chinaHour } from '../components/china-time';
import { OrgKindTag, permissionLabel, RoleTags } from '../components/labels';
import { PageContainer } from '../components/PageContainer';
import { menuFor } from '../menu';

export function DashboardPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  if (!me) return null;
  // Greet by the hour in China, whatever the browser's zone.
  const hour = chinaHour();
  const greeting =
    hour < 12 ? t('dashboard.morning') : hour < 18 ? t('dashboard.afternoon') : t('dashboard.evening');
  const scope = me.scope;
  const scopeText = [
    t(`scope.${scope.kind}`, { defaultValue: scope.kind }),
    'districtCode' in scope && scope.districtCode
      ? `${t('scope.districtCode')}: ${scope.districtCode}`
      : null,
    'orgId' in scope && scope.orgId
      ? `${t('scope.org')}: ${scope.orgId === me.org.id ? me.org.name : scope.orgId}`
      : null,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <PageContainer testId="page-dashboard" title={t('menu.dashboard')}>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="dashboard-welcome">
          {t('dashboard.welcome', { greeting, name: me.user.displayName })}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('dashboard.intro')}
        </Typography.Paragraph>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={t('dashboard.account')} style={{ marginBottom: 16 }}>
            <Descriptions
              column={1}
              bordered
              size="middle"
              items={[
                { key: 'displayName', label: t('user.displayName'), children: me.user.displayName },
                { key: 'username', label: t('user.username'), children: me.user.username },
                {
                  key: 'org',
                  label: t('user.org'),
                  children: (
                    <span data-testid="dashboard-org">
                      {me.org.name} <OrgKindTag kind={me.org.kind} />
                    </span>
                  ),
                },
                {
                  key: 'roles',
                  label: t('user.roles'),
                  children: (
                    <span data-testid="dashboard-roles">
                      <RoleTags roles={me.user.roles} />
                    </span>
                  ),
                },
                {
                  key: 'scope',
                  label: t('dashboard.scope'),
                  children: <span data-testid="dashboard-scope">{scopeText}</span>,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('dashboard.access')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t('dashboard.menuIntro')}</Typography.Paragraph>
            <ul style={{ paddingLeft: 20, marginTop: 0 }}>
              {menuFor(me.menu).map((m) => (
                <li key={m.key}>{t(m.label)}</li>
              ))}
            </ul>
            <Typography.Paragraph type="secondary">{t('dashboard.permissionsIntro')}</Typography.Paragraph>
            <ul style={{ paddingLeft: 20, margin: 0 }} data-testid="dashboard-permissions">
              {me.permissions.map((p) => (
                <li key={p}>{permissionLabel(t, p)}</li>
              ))}
            </ul>
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
