/**
 * A report made on the call (来电转上报): the caller's words, the place — an address the caller
 * names is found in the gazetteer (the map moves there and takes its point) or picked on the map;
 * or the address alone, which the server places (an open case of the type at the same address is
 * joined, else the gazetteer's place; 422 asks for a map point) — and the type, with suggestions
 * from the words. It goes through the intake every channel uses,
 * on the hotline channel with the caller as the reporter; the tracking code is read out to them.
 */
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Result, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, detailField, isApiError } from '../../api/client';
import { MatterTypeSelect } from '../../components/case/MatterTypeSelect';
import type { LngLat } from '../../components/map/CityMap';
import { PublicStatusTag } from '../../components/PublicStatusTag';
import { IntakeLocation } from '../intake/IntakeLocation';
import { useIntakePlace } from '../intake/useIntakePlace';
import type { CallReportResult, HotlineCall } from './api';
import { useTypeSuggestions } from './suggest';

interface ReportValues {
  description: string;
  address?: string;
  matterCode?: string;
}

export function CallReport({
  call,
  callerName,
  onReported,
}: {
  call: HotlineCall;
  callerName?: string;
  onReported: (r: CallReportResult) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReportValues>();
  const [point, setPoint] = useState<LngLat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const description = Form.useWatch('description', form) ?? '';
  const matterCode = Form.useWatch('matterCode', form);
  const place = useIntakePlace(point, matterCode);
  const suggestions = useTypeSuggestions(description);
  const submit = useMutation({
    mutationFn: (v: ReportValues) =>
      api.post<CallReportResult>(`/api/hotline/calls/${call.id}/report`, {
        version: call.version,
        description: v.description.trim(),
        address: v.address?.trim() || undefined,
        // Without a map point the address places the report (the server says how, or asks for a point).
        ...(point ? { location: { lng: point.lng, lat: point.lat, crs: 'wgs84' as const } } : {}),
        matterCode: v.matterCode || undefined,
        callerName: callerName?.trim() || undefined,
      }),
    onSuccess: (r) => {
      setError(null);
      onReported(r);
    },
    onError: (err) => {
      setError(err instanceof Error ? err.message : String(err));
      if (isApiError(err)) {
        const fields = err.details
          .map((d) => ({ name: detailField(d), errors: [d.message ?? err.message] }))
          .filter((f): f is { name: keyof ReportValues; errors: string[] } =>
            ['description', 'address', 'matterCode'].includes(f.name ?? ''),
          );
        form.setFields(fields);
      }
    },
  });
  return (
    <div data-testid="hotline-report">
      <Form<ReportValues>
        form={form}
        layout="vertical"
        onFinish={(v) => {
          if (!point && !v.address?.trim()) {
            setError(t('hotline.report.pickPlace'));
            return;
          }
          submit.mutate(v);
        }}
      >
        <Form.Item
          name="description"
          label={t('hotline.report.description')}
          rules={[
            {
              required: true,
              whitespace: true,
              min: 2,
              max: 2000,
              message: t('hotline.report.descriptionRequired'),
            },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="hotline-report-description" />
        </Form.Item>
        <Form.Item
          name="matterCode"
          label={t('hotline.report.type')}
          extra={
            suggestions.length > 0 ? (
              <span data-testid="hotline-report-suggestions">
                {t('intake.suggestions')}{' '}
                {suggestions.map((s) => (
                  <Tag
                    key={s.code}
                    color={s.code === matterCode ? 'blue' : undefined}
                    style={{ cursor: 'pointer' }}
                    onClick={() => form.setFieldValue('matterCode', s.code)}
                    data-testid="hotline-report-suggestion"
                  >
                    {s.code} {s.name}
                  </Tag>
                ))}
              </span>
            ) : (
              t('intake.typeOptional')
            )
          }
        >
          <MatterTypeSelect data-testid="hotline-report-type" />
        </Form.Item>
        <Form.Item
          name="address"
          label={t('hotline.report.address')}
          rules={[{ max: 200 }]}
          extra={point ? undefined : t('hotline.report.addressOnly')}
        >
          <Input
            maxLength={200}
            placeholder={t('hotline.report.addressPlaceholder')}
            data-testid="hotline-report-address"
          />
        </Form.Item>
        <IntakeLocation
          point={point}
          onPick={setPoint}
          onChoosePlace={(p) => {
            setPoint({ lng: p.point.lng, lat: p.point.lat });
            if (!form.getFieldValue('address')?.trim()) form.setFieldValue('address', p.name);
          }}
          place={place}
        />
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 8 }}
            data-testid="hotline-report-error"
          />
        )}
        <Button
          type="primary"
          htmlType="submit"
          loading={submit.isPending}
          disabled={!!place.placeError}
          data-testid="hotline-report-submit"
        >
          {t('hotline.report.submit')}
        </Button>
      </Form>
    </div>
  );
}

/** What the operator reads out once the report is made: the tracking code, and the case it is on. */
export function CallReported({
  call,
  result,
}: {
  call: HotlineCall;
  result: CallReportResult['report'] | null;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" data-testid="hotline-reported">
      <Result
        status="success"
        style={{ padding: 8 }}
        title={t('hotline.report.done', { code: call.case?.code ?? '' })}
        subTitle={
          <Space orientation="vertical" size={4}>
            {(result?.trackingCode ?? call.trackingCode) && (
              <span>
                {t('intake.trackingCode')}{' '}
                <Typography.Text copyable code data-testid="hotline-tracking-code">
                  {result?.trackingCode ?? call.trackingCode}
                </Typography.Text>
                {result?.merged && <Tag color="blue">{t('hotline.report.merged')}</Tag>}
              </span>
            )}
            {result?.merged && (
              <Typography.Text data-testid="hotline-reported-merged">
                {t('hotline.report.mergedInto', { code: result.caseCode ?? call.case?.code ?? '' })}
              </Typography.Text>
            )}
            {result && result.locatedBy !== 'point' && (
              <Typography.Text type="secondary" data-testid="hotline-reported-located">
                {result.locatedBy === 'case_address'
                  ? t('hotline.report.locatedByCase')
                  : t('hotline.report.locatedByPlace', { place: result.place?.name ?? '' })}
              </Typography.Text>
            )}
            {call.case && (
              <span>
                <Link to={`/cases/${call.case.id}`} data-testid="hotline-reported-case">
                  {call.case.code}
                </Link>{' '}
                <PublicStatusTag status={call.case.publicStatus} />
              </span>
            )}
            <Typography.Text type="secondary">{t('hotline.report.readOut')}</Typography.Text>
          </Space>
        }
      />
    </Card>
  );
}
