/**
 * What intake knows about the picked point: its division chain, whether the caller may report
 * there (the server's rule: a district centre and a district's unit in their own district; the
 * city centre and a city-level unit anywhere), the extent to open the map on, and the open cases
 * of the chosen type nearby — asked only once the point is known to be the caller's.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { useDuplicates } from '../../components/case/Duplicates';
import type { LngLat } from '../../components/map/CityMap';
import { useLookup } from '../../components/map/geo';

export function useIntakePlace(point: LngLat | null, matterCode: string | undefined) {
  const { t } = useTranslation();
  const me = useMe();
  const scope = me.data?.scope;
  const myDistrict =
    scope?.kind === 'district' ? scope.districtCode : scope?.kind === 'unit' ? scope.districtCode : null;
  const district = useQuery({
    queryKey: ['geo', 'division-bbox', myDistrict],
    enabled: !!myDistrict,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () =>
      api.get<{ name: string; bbox: [number, number, number, number] | null }>(
        `/api/geo/divisions/${myDistrict}`,
      ),
  });
  const place = useLookup(point);
  const inMyDistrict = !myDistrict || place.data?.district.code === myDistrict;
  const duplicates = useDuplicates(point, matterCode, place.isSuccess && inMyDistrict);
  const placeError = place.isError
    ? place.error.message
    : place.data && !inMyDistrict
      ? t('intake.outsideDistrict', {
          name: place.data.district.name,
          mine: district.data?.name ?? myDistrict,
        })
      : null;
  return { place, placeError, bounds: district.data?.bbox, duplicates };
}
