import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeviceState } from '../../../../common/sensors.ts';

const COLOURS: Record<DeviceState, string> = { online: 'green', offline: 'red', never: 'default' };

/** 在线 / 离线 / 未上线, coloured. */
export function DeviceStateTag({ state }: { state: DeviceState }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOURS[state]} data-testid="sensor-state" data-state={state}>
      {t(`sensors.states.${state}`)}
    </Tag>
  );
}
