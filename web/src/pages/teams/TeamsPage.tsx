/**
 * 队伍管理: the field people in scope with their posts and responsibility grids, the shifts and
 * roster templates, the weekly roster (edit a cell, apply a template to the week), a day's
 * attendance (with the daily .xlsx) and each shift's patrol coverage. The tab is in the URL (?tab=).
 */
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PageContainer } from '../../components/PageContainer';
import { AttendanceTab } from './AttendanceTab';
import { CoverageTab } from './CoverageTab';
import { MembersTab } from './MembersTab';
import { RosterTab } from './RosterTab';
import { ShiftsTab } from './ShiftsTab';

const TABS = ['roster', 'attendance', 'coverage', 'members', 'shifts'] as const;

export function TeamsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'roster';
  return (
    <PageContainer testId="teams-page" title={t('teams.title')}>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          {
            key: 'roster',
            label: <span data-testid="teams-tab-roster">{t('teams.tabs.roster')}</span>,
            children: <RosterTab />,
          },
          {
            key: 'attendance',
            label: <span data-testid="teams-tab-attendance">{t('teams.tabs.attendance')}</span>,
            children: <AttendanceTab />,
          },
          {
            key: 'coverage',
            label: <span data-testid="teams-tab-coverage">{t('teams.tabs.coverage')}</span>,
            children: <CoverageTab />,
          },
          {
            key: 'members',
            label: <span data-testid="teams-tab-members">{t('teams.tabs.members')}</span>,
            children: <MembersTab />,
          },
          {
            key: 'shifts',
            label: <span data-testid="teams-tab-shifts">{t('teams.tabs.shifts')}</span>,
            children: <ShiftsTab />,
          },
        ]}
      />
    </PageContainer>
  );
}
