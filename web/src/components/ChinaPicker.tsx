/**
 * Date pickers that show and take China time (UTC+8) whatever the browser's zone, and the hint
 * that says so. Their values are China wall clocks: fill them with `toChinaPicker(iso)` and send
 * `fromChinaPicker(value)` (see china-time.ts); never the value's own `toISOString()`.
 */
import { ClockCircleOutlined } from '@ant-design/icons';
import { DatePicker, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { chinaGenerateConfig } from './china-time';

export const ChinaDatePicker = DatePicker.generatePicker<Dayjs>(chinaGenerateConfig);
export const ChinaRangePicker = ChinaDatePicker.RangePicker;

/** "北京时间（UTC+8）" / "China time (UTC+8)", small and grey, beside a time field. */
export function ChinaTimeHint({ style }: { style?: CSSProperties }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('common.chinaTimeTip')}>
      <Typography.Text
        type="secondary"
        style={{ fontSize: 12, whiteSpace: 'nowrap', ...style }}
        data-testid="china-time-hint"
      >
        <ClockCircleOutlined /> {t('common.chinaTimeHint')}
      </Typography.Text>
    </Tooltip>
  );
}
