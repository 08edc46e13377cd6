/**
 * Intake (信息收集) for the acceptor: channel, description, reporter, a point picked on the map
 * (resolved to grid / community / district), type with suggestions, and the open cases of that
 * type nearby shown before saving. The idempotency key lives as long as the form: retrying the
 * same form never makes a second report.
 */
import { AimOutlined, CheckCircleOutlined, ExclamationCircleOutlined, LinkOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Result,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { suggestTypes } from '../../../../common/suggest.ts';
import { api, detailField, isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ApiResponse } from '../../api/types';
import {
  CHANNELS,
  type Channel,
  type DuplicateCandidate,
  type LookupHit,
  lookupPoint,
  type ReportResult,
  useMatterNames,
  useMatterTypeList,
} from '../../components/case/api';
import { channelLabel, StateTag } from '../../components/case/CaseBits';
import { PhotoUpload } from '../../components/case/Photos';
import { formatTime } from '../../components/format';
import { CityMap, type LngLat } from '../../components/map/CityMap';
import { PageContainer } from '../../components/PageContainer';

interface IntakeForm {
  channel: Channel;
  description: string;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  matterCode?: string;
  photos?: string[];
}

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export function IntakePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<IntakeForm>();
  const [formKey, setFormKey] = useState(0);
  const idempotencyKey = useRef(newKey());
  const [point, setPoint] = useState<LngLat | null>(null);
  const [result, setResult] = useState<ReportResult | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const types = useMatterTypeList();
  const matterNames = useMatterNames();
  const description = Form.useWatch('description', form) ?? '';
  const matterCode = Form.useWatch('matterCode', form);
  const me = useMe();
  const myDistrict = me.data?.scope.kind === 'district' ? me.data.scope.districtCode : null;
  const district = useQuery({
    queryKey: ['geo', 'division-bbox', myDistrict],
    enabled: !!myDistrict,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () =>
      api.get<ApiResponse<'/api/geo/divisions/{code}', 'get'>>(`/api/geo/divisions/${myDistrict}`),
  });

  const place = useQuery<LookupHit>({
    queryKey: ['geo', 'lookup', point?.lng, point?.lat],
    enabled: !!point,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => lookupPoint(point!.lng, point!.lat),
  });
  const duplicates = useQuery({
    queryKey: ['reports', 'duplicates', point?.lng, point?.lat, matterCode],
    enabled:
      !!point && !!matterCode && place.isSuccess && (!myDistrict || place.data?.district.code === myDistrict),
    retry: false,
    queryFn: () =>
      api.get<{ items: DuplicateCandidate[] }>('/api/reports/duplicates', {
        lng: point!.lng,
        lat: point!.lat,
        crs: 'wgs84',
        matterCode,
      }),
  });
  const suggestions = useMemo(
    () => suggestTypes(description, types.data?.items ?? []),
    [description, types.data],
  );

  const submit = useMutation({
    mutationFn: (v: IntakeForm) =>
      api.post<ReportResult>('/api/reports', {
        idempotencyKey: idempotencyKey.current,
        channel: v.channel,
        description: v.description.trim(),
        address: v.address?.trim() || undefined,
        location: { lng: point!.lng, lat: point!.lat, crs: 'wgs84' },
        matterCode: v.matterCode || undefined,
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
          const text = err.code === 'VALIDATION_FAILED' && d.message ? d.message : msg;
          if (f === 'reporter') fields.push({ name: 'reporterPhone', errors: [text] });
          else if (f && ['channel', 'description', 'address', 'matterCode', 'photos'].includes(f))
            fields.push({ name: f, errors: [text] });
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
    form.resetFields();
    setFormKey((k) => k + 1);
  };

  if (result) {
    const c = result.case;
    return (
      <PageContainer testId="page-intake" title={t('intake.title')}>
        <Card>
          <Result
            status={result.merged ? 'info' : 'success'}
            icon={result.merged ? <LinkOutlined /> : <CheckCircleOutlined />}
            title={
              <span data-testid="intake-result" data-merged={result.merged} data-case-id={c.id}>
                {result.merged
                  ? t('intake.resultMerged', { code: c.code })
                  : t('intake.resultNew', { code: c.code })}
              </span>
            }
            subTitle={
              <Space orientation="vertical" size={4}>
                <span>
                  {t('intake.resultState')} <StateTag state={c.state} testId="intake-result-state" />
                </span>
                {result.replayed && <Tag color="blue">{t('intake.replayed')}</Tag>}
                {!c.matterCode && result.suggestions.matterTypes.length > 0 && (
                  <span>
                    {t('intake.serverSuggested')}{' '}
                    {result.suggestions.matterTypes.map((s) => (
                      <Tag key={s.code}>
                        {s.code} {s.name ?? matterNames.get(s.code)}
                      </Tag>
                    ))}
                  </span>
                )}
              </Space>
            }
            extra={[
              <Link key="open" to={`/cases/${c.id}`} data-testid="intake-result-link">
                <Button type="primary">{t('intake.openCase', { code: c.code })}</Button>
              </Link>,
              <Button key="again" onClick={reset} data-testid="intake-again">
                {t('intake.another')}
              </Button>,
            ]}
          />
        </Card>
      </PageContainer>
    );
  }

  const dupColumns = [
    {
      title: t('case.col.code'),
      key: 'code',
      width: 190,
      render: (_: unknown, d: DuplicateCandidate) => (
        <Link
          to={`/cases/${d.case.id}`}
          target="_blank"
          style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}
        >
          {d.case.code}
        </Link>
      ),
    },
    {
      title: t('case.col.state'),
      key: 'state',
      width: 100,
      render: (_: unknown, d: DuplicateCandidate) => (
        <StateTag state={d.case.state} testId="duplicate-state" />
      ),
    },
    {
      title: t('intake.distanceCol'),
      key: 'distance',
      width: 80,
      render: (_: unknown, d: DuplicateCandidate) => t('intake.distance', { m: d.distanceM }),
    },
    {
      title: t('case.field.description'),
      key: 'description',
      ellipsis: true,
      render: (_: unknown, d: DuplicateCandidate) => d.case.description,
    },
    {
      title: t('case.col.reportedAt'),
      key: 'at',
      width: 130,
      render: (_: unknown, d: DuplicateCandidate) => formatTime(d.case.createdAt).slice(5, 16),
    },
  ];

  const dupCount = duplicates.data?.items.length ?? 0;
  const placeError = place.isError
    ? place.error.message
    : myDistrict && place.data && place.data.district.code !== myDistrict
      ? t('intake.outsideDistrict', {
          name: place.data.district.name,
          mine: district.data?.name ?? myDistrict,
        })
      : null;

  return (
    <PageContainer testId="page-intake" title={t('intake.title')}>
      <Row gutter={12}>
        <Col xs={24} xl={12}>
          <Card title={t('intake.section.report')} size="small" style={{ marginBottom: 12 }}>
            <Form<IntakeForm>
              key={formKey}
              form={form}
              layout="vertical"
              initialValues={{ channel: 'hotline' }}
              onFinish={(v) => {
                if (!point) {
                  setSubmitError(t('intake.pickPointFirst'));
                  void message.warning(t('intake.pickPointFirst'));
                  return;
                }
                setSubmitError(null);
                submit.mutate(v);
              }}
              data-testid="intake-form"
            >
              <Row gutter={12}>
                <Col span={10}>
                  <Form.Item name="channel" label={t('intake.field.channel')} rules={[{ required: true }]}>
                    <Select
                      options={CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))}
                      data-testid="intake-channel"
                    />
                  </Form.Item>
                </Col>
                <Col span={14}>
                  <Form.Item name="address" label={t('intake.field.address')} rules={[{ max: 200 }]}>
                    <Input
                      maxLength={200}
                      placeholder={t('intake.addressPlaceholder')}
                      data-testid="intake-address"
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item
                name="description"
                label={t('intake.field.description')}
                rules={[
                  { required: true, whitespace: true, message: t('intake.descriptionRequired') },
                  { min: 2, max: 2000 },
                ]}
              >
                <Input.TextArea
                  rows={4}
                  maxLength={2000}
                  showCount
                  placeholder={t('intake.descriptionPlaceholder')}
                  data-testid="intake-description"
                />
              </Form.Item>
              <Form.Item
                name="matterCode"
                label={t('intake.field.type')}
                extra={
                  suggestions.length > 0 ? (
                    <span data-testid="intake-suggestions">
                      {t('intake.suggestions')}{' '}
                      {suggestions.map((s) => (
                        <Tag
                          key={s.code}
                          color={s.code === matterCode ? 'blue' : undefined}
                          style={{ cursor: 'pointer' }}
                          onClick={() => form.setFieldValue('matterCode', s.code)}
                          data-testid="intake-suggestion"
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
                <Select
                  allowClear
                  showSearch={{
                    filterOption: (input, o) =>
                      String(o?.label ?? '')
                        .toLowerCase()
                        .includes(input.trim().toLowerCase()),
                  }}
                  placeholder={t('intake.typePlaceholder')}
                  loading={types.isLoading}
                  options={(types.data?.items ?? []).map((ty) => ({
                    value: ty.code,
                    label: `${ty.code} ${ty.name}`,
                  }))}
                  data-testid="intake-type"
                />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="reporterName" label={t('intake.field.reporterName')} rules={[{ max: 50 }]}>
                    <Input maxLength={50} data-testid="intake-reporter-name" />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="reporterPhone"
                    label={t('intake.field.reporterPhone')}
                    rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('intake.phoneInvalid') }]}
                  >
                    <Input maxLength={20} data-testid="intake-reporter-phone" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="photos" label={t('intake.field.photos')}>
                <PhotoUpload testId="intake-photos" />
              </Form.Item>
              {submitError && (
                <Alert
                  type="error"
                  showIcon
                  title={submitError}
                  style={{ marginBottom: 12 }}
                  data-testid="intake-error"
                />
              )}
              <Space>
                <Button
                  type="primary"
                  htmlType="submit"
                  loading={submit.isPending}
                  data-testid="intake-submit"
                  size="large"
                >
                  {dupCount > 0 ? t('intake.submitMaybeMerge') : t('intake.submit')}
                </Button>
                <Button onClick={reset} size="large" data-testid="intake-reset">
                  {t('common.reset')}
                </Button>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
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
            <CityMap
              marker={point}
              onPick={setPoint}
              bounds={district.data?.bbox}
              height={380}
              zoom={16}
              testId="intake-map"
            />
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
                          {place.data.grid.id}{' '}
                          <Tag>{t('case.areaClass', { c: place.data.grid.areaClass })}</Tag>
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
          <Card
            size="small"
            title={
              <span>
                {dupCount > 0 ? <ExclamationCircleOutlined style={{ color: '#fa8c16' }} /> : null}{' '}
                {t('intake.section.duplicates')}
              </span>
            }
            data-testid="intake-duplicates"
          >
            {!point || !matterCode ? (
              <Typography.Text type="secondary">{t('intake.duplicatesHint')}</Typography.Text>
            ) : dupCount > 0 ? (
              <>
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 8 }}
                  title={t('intake.duplicatesFound', { n: dupCount })}
                />
                <Table
                  size="small"
                  rowKey={(d) => d.case.id}
                  pagination={false}
                  dataSource={duplicates.data?.items ?? []}
                  columns={dupColumns}
                  onRow={() => ({ 'data-testid': 'duplicate-row' }) as React.HTMLAttributes<HTMLElement>}
                />
              </>
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={duplicates.isFetching ? t('case.loading') : t('intake.noDuplicates')}
              />
            )}
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
