/**
 * Register a device or change one: its code (the `{deviceId}` of its telemetry topic), kind, name,
 * and where it stands — on a component it watches (picked on the map or typed) or at a point —
 * with its address, silence limit, switch and note. The server looks the grid and district up and
 * refuses a place outside the caller's district.
 */
import { Form, Input, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { CityMap } from '../../components/map/CityMap';
import { DEVICE_CODE, type Device, nameOf, sensorsKey, useKinds } from './api';

interface Values {
  code: string;
  kindCode: string;
  name: string;
  placement: 'component' | 'point';
  componentId?: string;
  lng?: number;
  lat?: number;
  address?: string;
  silenceMinutes?: number | null;
  enabled: boolean;
  note?: string;
}

export function DeviceDialog({ device, onClose }: { device?: Device; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const kinds = useKinds();
  const placement = Form.useWatch('placement', form) ?? (device?.componentId ? 'component' : 'point');
  const lng = Form.useWatch('lng', form);
  const lat = Form.useWatch('lat', form);
  const componentId = Form.useWatch('componentId', form);

  const save = (v: Values) => {
    const where =
      v.placement === 'component'
        ? { componentId: v.componentId?.trim() || null }
        : {
            location: { lng: v.lng!, lat: v.lat!, crs: 'wgs84' as const },
            ...(device ? { componentId: null } : {}),
          };
    const common = {
      name: v.name.trim(),
      address: v.address?.trim() || null,
      silenceS: v.silenceMinutes ? Math.round(v.silenceMinutes * 60) : null,
      enabled: v.enabled,
      note: v.note?.trim() || null,
      ...where,
    };
    if (device)
      return api.patch<Device>(`/api/sensors/devices/${device.id}`, {
        version: device.version,
        code: v.code.trim(),
        ...common,
      });
    return api.post<Device>('/api/sensors/devices', { code: v.code.trim(), kindCode: v.kindCode, ...common });
  };

  return (
    <FormModal<Values, Device>
      title={device ? t('sensors.editTitle') : t('sensors.createTitle')}
      width={680}
      testId="sensor-dialog"
      submitTestId="sensor-dialog-submit"
      form={form}
      mutationFn={save}
      invalidate={sensorsKey}
      refreshOnError="conflict"
      success={t('common.saved')}
      onClose={onClose}
      initialValues={
        device
          ? {
              code: device.code,
              kindCode: device.kindCode,
              name: device.name,
              placement: device.componentId ? 'component' : 'point',
              componentId: device.componentId ?? undefined,
              lng: device.lng,
              lat: device.lat,
              address: device.address ?? '',
              silenceMinutes: device.silenceS ? device.silenceS / 60 : null,
              enabled: device.enabled,
              note: device.note ?? '',
            }
          : { placement: 'component', enabled: true }
      }
    >
      <Form.Item
        name="code"
        label={t('sensors.code')}
        extra={t('sensors.codeHint')}
        rules={[{ required: true, pattern: DEVICE_CODE, message: t('sensors.codeRule') }]}
      >
        <Input maxLength={64} data-testid="sensor-code" />
      </Form.Item>
      <Form.Item name="kindCode" label={t('sensors.kind')} rules={[{ required: true }]}>
        <Select
          disabled={!!device}
          options={kinds.data?.items.map((k) => ({ value: k.code, label: nameOf(i18n.language, k) }))}
          data-testid="sensor-kind"
        />
      </Form.Item>
      <Form.Item name="name" label={t('sensors.name')} rules={[{ required: true, max: 100 }]}>
        <Input maxLength={100} data-testid="sensor-name" />
      </Form.Item>
      <Form.Item name="placement" label={t('sensors.placement')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: 'component', label: t('sensors.onComponent') },
            { value: 'point', label: t('sensors.atPoint') },
          ]}
        />
      </Form.Item>
      {placement === 'component' ? (
        <Form.Item
          name="componentId"
          label={t('sensors.component')}
          extra={t('sensors.componentHint')}
          rules={[{ required: true, pattern: /^\d{17}$/, message: t('sensors.componentRule') }]}
        >
          <Input maxLength={17} data-testid="sensor-component" />
        </Form.Item>
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t('sensors.pointHint')}
        </Typography.Paragraph>
      )}
      <CityMap
        height={240}
        zoom={16}
        components
        marker={
          placement === 'point' && lng !== undefined && lat !== undefined
            ? { lng, lat }
            : device && !componentId
              ? device
              : null
        }
        selectedComponentId={placement === 'component' ? (componentId ?? null) : null}
        onPick={(p) =>
          form.setFieldsValue({
            placement: 'point',
            lng: Number(p.lng.toFixed(7)),
            lat: Number(p.lat.toFixed(7)),
          })
        }
        onPickComponent={(c) => form.setFieldsValue({ placement: 'component', componentId: c.id })}
        testId="sensor-dialog-map"
      />
      {placement === 'point' && (
        <div style={{ display: 'flex', gap: 12, marginTop: 12 }}>
          <Form.Item name="lng" label={t('sensors.lng')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <InputNumber min={-180} max={180} step={0.0001} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="lat" label={t('sensors.lat')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <InputNumber min={-90} max={90} step={0.0001} style={{ width: '100%' }} />
          </Form.Item>
        </div>
      )}
      <Form.Item name="address" label={t('sensors.address')} style={{ marginTop: 12 }}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="silenceMinutes" label={t('sensors.silence')} extra={t('sensors.silenceHint')}>
        <InputNumber min={1} max={43200} style={{ width: 200 }} suffix={t('sensors.minutes')} />
      </Form.Item>
      <Form.Item name="enabled" label={t('sensors.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item name="note" label={t('sensors.note')}>
        <Input.TextArea maxLength={500} rows={2} />
      </Form.Item>
    </FormModal>
  );
}
