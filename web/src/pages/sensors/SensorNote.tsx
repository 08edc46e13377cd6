/**
 * A sensor's note on a case's timeline (`case.note`, written by the sensors: readings that cleared
 * the alarm, a new breach while the case is open, the device offline or back), worded in the
 * reader's language from the data the note carries, with a link to the device.
 */
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { SensorNoteEvent } from '../../../../common/sensors.ts';
import { formatTime } from '../../components/format';
import { withUnit } from './api';

export interface SensorNoteData {
  source: 'sensor';
  event: SensorNoteEvent;
  deviceId: string;
  deviceCode: string;
  deviceName: string;
  condition: string;
  field: string | null;
  value: number | null;
  unit: string | null;
  threshold: number | null;
  clearLevel: number | null;
  at: string;
}

export function isSensorNote(v: unknown): v is SensorNoteData {
  return !!v && typeof v === 'object' && (v as { source?: unknown }).source === 'sensor';
}

export function SensorNote({ note }: { note: SensorNoteData }) {
  const { t } = useTranslation();
  const unit = note.unit ?? '';
  return (
    <div style={{ marginTop: 2 }} data-testid="timeline-sensor-note" data-event={note.event}>
      <Typography.Text type="secondary">
        {t(`sensors.note.${note.event}`, {
          value: note.value === null ? '—' : withUnit(note.value, unit),
          threshold: note.threshold === null ? '—' : withUnit(note.threshold, unit),
          clear: note.clearLevel === null ? '—' : withUnit(note.clearLevel, unit),
          at: formatTime(note.at),
        })}
      </Typography.Text>{' '}
      <Link to={`/sensors/${note.deviceId}`}>
        {note.deviceName}（{note.deviceCode}）
      </Link>
    </div>
  );
}
