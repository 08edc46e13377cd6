/** What the case is and where: description, address, division chain, grid, units, level, dates. */
import { EnvironmentOutlined } from '@ant-design/icons';
import { Card, Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useOrgNames } from '../../../api/queries';
import type { CaseSummary } from '../../../components/case/api';
import { formatTime } from '../../../components/format';
import { useLookup } from '../../../components/map/geo';

export function CaseInfo({ c }: { c: CaseSummary }) {
  const { t } = useTranslation();
  const orgNames = useOrgNames();
  const place = useLookup(c.location);
  return (
    <Card title={t('case.section.info')} size="small" style={{ marginBottom: 12 }}>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        bordered
        styles={{ label: { width: 110 } }}
        items={[
          {
            key: 'description',
            label: t('case.field.description'),
            span: 'filled',
            children: (
              <span data-testid="case-description" style={{ whiteSpace: 'pre-wrap' }}>
                {c.description}
              </span>
            ),
          },
          {
            key: 'address',
            label: t('case.field.address'),
            span: 'filled',
            children: c.address ?? '—',
          },
          {
            key: 'place',
            label: t('case.field.place'),
            span: 'filled',
            children: place.data ? (
              <span>
                {place.data.district.name} / {place.data.township.name} / {place.data.community.name}
              </span>
            ) : (
              c.communityCode
            ),
          },
          {
            key: 'grid',
            label: t('case.field.grid'),
            children: (
              <span>
                {c.gridId} <Tag>{t('case.areaClass', { c: c.areaClass })}</Tag>
              </span>
            ),
          },
          {
            key: 'coords',
            label: t('case.field.coords'),
            children: (
              <span style={{ fontFamily: 'monospace', fontSize: 12 }}>
                <EnvironmentOutlined /> {c.location.lng.toFixed(6)}, {c.location.lat.toFixed(6)}
              </span>
            ),
          },
          {
            key: 'unit',
            label: t('case.field.unit'),
            children: c.unitId ? (orgNames.get(c.unitId) ?? c.unitId) : '—',
          },
          {
            key: 'suggestedUnit',
            label: t('case.field.suggestedUnit'),
            children: (c.suggestedUnitId && orgNames.get(c.suggestedUnitId)) || '—',
          },
          {
            key: 'level',
            label: t('case.field.caseLevel'),
            children: t(`case.level.${c.caseLevel}`, { defaultValue: c.caseLevel }),
          },
          {
            key: 'urgency',
            label: t('case.field.urgency'),
            children: t(`case.urgency.${c.urgency}`, { defaultValue: c.urgency }),
          },
          { key: 'filedAt', label: t('case.field.filedAt'), children: formatTime(c.filedAt) },
          { key: 'closedAt', label: t('case.field.closedAt'), children: formatTime(c.closedAt) },
        ]}
      />
    </Card>
  );
}
