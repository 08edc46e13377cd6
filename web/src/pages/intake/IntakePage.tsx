/**
 * Intake (信息收集) for the acceptor: channel, description, reporter, a point picked on the map
 * or found by address (地名地址搜索: the map moves there; resolved to grid / community / district), type with suggestions, and the open cases of that
 * type nearby shown before saving. The idempotency key lives as long as the form: retrying the
 * same form never makes a second report.
 *
 * Prefill from the query string (the city map's "report on this component"):
 * `/intake?componentId=<17 digits>&lng=<WGS84>&lat=<WGS84>` picks the point and ties the report
 * to the component; anything malformed is ignored.
 */
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Col, Form, Row } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, detailField, isApiError } from '../../api/client';
import type { ReportResult } from '../../components/case/api';
import { DuplicatesCard } from '../../components/case/Duplicates';
import type { LngLat } from '../../components/map/CityMap';
import { PageContainer } from '../../components/PageContainer';
import { INTAKE_ERROR_FIELDS, IntakeForm, type IntakeValues } from './IntakeForm';
import { IntakeLocation } from './IntakeLocation';
import { IntakeResult } from './IntakeResult';
import { useIntakePlace } from './useIntakePlace';

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** The point and component the query string asks for, when well-formed. */
function prefillOf(params: URLSearchParams): { point: LngLat | null; componentId: string | null } {
  const lng = Number(params.get('lng'));
  const lat = Number(params.get('lat'));
  const ok =
    params.get('lng') !== null &&
    params.get('lat') !== null &&
    Number.isFinite(lng) &&
    Number.isFinite(lat) &&
    Math.abs(lng) <= 180 &&
    Math.abs(lat) <= 90;
  const id = params.get('componentId');
  return { point: ok ? { lng, lat } : null, componentId: id && /^\d{17}$/.test(id) ? id : null };
}

export function IntakePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<IntakeValues>();
  const [formKey, setFormKey] = useState(0);
  const idempotencyKey = useRef(newKey());
  const [params] = useSearchParams();
  const [prefill] = useState(() => prefillOf(params));
  const [point, setPoint] = useState<LngLat | null>(prefill.point);
  const [componentId, setComponentId] = useState<string | null>(prefill.componentId);
  const [result, setResult] = useState<ReportResult | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const matterCode = Form.useWatch('matterCode', form);
  const place = useIntakePlace(point, matterCode);

  const submit = useMutation({
    mutationFn: (v: IntakeValues) =>
      api.post<ReportResult>('/api/reports', {
        idempotencyKey: idempotencyKey.current,
        channel: v.channel,
        description: v.description.trim(),
        address: v.address?.trim() || undefined,
        location: { lng: point!.lng, lat: point!.lat, crs: 'wgs84' },
        matterCode: v.matterCode || undefined,
        componentId: componentId ?? undefined,
        photos: v.photos?.length ? v.photos : undefined,
        reporter:
          v.reporterName?.trim() || v.reporterPhone?.trim()
            ? { name: v.reporterName?.trim() || undefined, phone: v.reporterPhone?.trim() || undefined }
            : undefined,
      }),
    onSuccess: (res) => {
      setResult(res);
      setSubmitError(null);
    },
    onError: (err) => {
      const msg = err instanceof Error ? err.message : String(err);
      setSubmitError(msg);
      if (isApiError(err)) {
        const fields: { name: string; errors: string[] }[] = [];
        for (const d of err.details) {
          const f = detailField(d);
          const name = f ? INTAKE_ERROR_FIELDS.get(f) : undefined;
          const text = err.code === 'VALIDATION_FAILED' && d.message ? d.message : msg;
          if (name) fields.push({ name, errors: [text] });
        }
        form.setFields(fields as Parameters<typeof form.setFields>[0]);
      }
    },
  });

  const reset = () => {
    idempotencyKey.current = newKey();
    setResult(null);
    setSubmitError(null);
    setPoint(null);
    setComponentId(null);
    form.resetFields();
    setFormKey((k) => k + 1);
  };

  if (result) {
    return (
      <PageContainer testId="page-intake" title={t('intake.title')}>
        <IntakeResult result={result} onAgain={reset} />
      </PageContainer>
    );
  }

  return (
    <PageContainer testId="page-intake" title={t('intake.title')}>
      <Row gutter={12}>
        <Col xs={24} xl={12}>
          <IntakeForm
            key={formKey}
            form={form}
            onFinish={(v) => {
              if (!point) {
                setSubmitError(t('intake.pickPointFirst'));
                void message.warning(t('intake.pickPointFirst'));
                return;
              }
              setSubmitError(null);
              submit.mutate(v);
            }}
            submitting={submit.isPending}
            submitError={submitError}
            mayMerge={(place.duplicates.data?.items.length ?? 0) > 0}
            onReset={reset}
            point={point}
            onPlaceMentioned={(p) => {
              // A place the words name: the map takes its point (the acceptor may still move it).
              setPoint({ lng: p.lng, lat: p.lat });
              if (!form.getFieldValue('address')?.trim()) form.setFieldValue('address', p.name);
            }}
          />
        </Col>
        <Col xs={24} xl={12}>
          {componentId && (
            <Alert
              type="info"
              showIcon
              closable
              onClose={() => setComponentId(null)}
              title={t('intake.componentPrefilled', { id: componentId })}
              style={{ marginBottom: 8 }}
              data-testid="intake-component"
            />
          )}
          <IntakeLocation
            point={point}
            onPick={setPoint}
            onChoosePlace={(p) => {
              setPoint({ lng: p.point.lng, lat: p.point.lat });
              // The chosen address fills the address field unless the acceptor wrote one.
              if (!form.getFieldValue('address')?.trim()) form.setFieldValue('address', p.name);
            }}
            place={place}
          />
          <DuplicatesCard ready={!!point && !!matterCode} duplicates={place.duplicates} />
        </Col>
      </Row>
    </PageContainer>
  );
}
