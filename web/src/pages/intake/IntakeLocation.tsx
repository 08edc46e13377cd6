/** The point of a report: picked on the map, then shown as district / township / community / grid. */
import { AimOutlined } from '@ant-design/icons';
import { Alert, Card, Descriptions, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CityMap, type LngLat } from '../../components/map/CityMap';
import { type PlaceHit, PlaceSearch } from '../../components/map/PlaceSearch';
import type { useIntakePlace } from './useIntakePlace';

export function IntakeLocation({
  point,
  onPick,
  onChoosePlace,
  place: { place, placeError, bounds },
}: {
  point: LngLat | null;
  onPick: (p: LngLat) => void;
  /** An address chosen in the search box: the map moves there and takes its point. */
  onChoosePlace: (p: PlaceHit) => void;
  place: ReturnType<typeof useIntakePlace>;
}) {
  const { t } = useTranslation();
  return (
    <Card
      title={
        <span>
          <AimOutlined /> {t('intake.section.location')}
        </span>
      }
      size="small"
      style={{ marginBottom: 12 }}
      styles={{ body: { padding: 8 } }}
    >
      <div style={{ padding: '0 0 8px' }}>
        <PlaceSearch
          near={
            point ?? (bounds ? { lng: (bounds[0] + bounds[2]) / 2, lat: (bounds[1] + bounds[3]) / 2 } : null)
          }
          onChoose={onChoosePlace}
          placeholder={t('intake.searchPlace')}
          testId="intake-place-search"
        />
      </div>
      <CityMap marker={point} onPick={onPick} bounds={bounds} height={380} zoom={16} testId="intake-map" />
      <div style={{ padding: '8px 4px 0' }} data-testid="intake-place">
        {!point && <Typography.Text type="secondary">{t('intake.pickHint')}</Typography.Text>}
        {point && placeError && (
          <Alert
            type="error"
            showIcon
            title={placeError}
            data-testid="intake-place-error"
            style={{ marginBottom: 8 }}
          />
        )}
        {point && place.data && (
          <Descriptions
            size="small"
            column={2}
            items={[
              {
                key: 'district',
                label: t('intake.place.district'),
                children: place.data.district.name,
              },
              {
                key: 'township',
                label: t('intake.place.township'),
                children: place.data.township.name,
              },
              {
                key: 'community',
                label: t('intake.place.community'),
                children: <span data-testid="intake-community">{place.data.community.name}</span>,
              },
              {
                key: 'grid',
                label: t('intake.place.grid'),
                children: (
                  <span data-testid="intake-grid">
                    {place.data.grid.id} <Tag>{t('case.areaClass', { c: place.data.grid.areaClass })}</Tag>
                  </span>
                ),
              },
              {
                key: 'coords',
                label: t('intake.place.coords'),
                span: 2,
                children: (
                  <span style={{ fontFamily: 'monospace', fontSize: 12 }}>
                    {point.lng.toFixed(6)}, {point.lat.toFixed(6)} (WGS84)
                  </span>
                ),
              },
            ]}
          />
        )}
      </div>
    </Card>
  );
}
