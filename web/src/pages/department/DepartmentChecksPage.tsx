/**
 * 部门自查: a collaborating unit's own screen for what it finds in its remit. A problem it reports
 * comes in on the channel `department`, like any report, for the centre to accept; one it has
 * already fixed (自行处置) carries the after photos and what was done, and goes straight to the
 * shift leader, who closes it (or files it as an ordinary case) — and it counts as the unit's
 * self-disposal in evaluation. Beside the form: the unit person's own reports and where each
 * stands (the public status: the case is the centre's, not the unit's).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  List,
  Result,
  Row,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicStatus } from '../../../../common/public-report.ts';
import { api } from '../../api/client';
import type { ApiResponse, ListResult } from '../../api/types';
import type { ReportResult } from '../../components/case/api';
import { MatterTypeSelect } from '../../components/case/MatterTypeSelect';
import { PhotoUpload } from '../../components/case/Photos';
import { formatTime } from '../../components/format';
import type { LngLat } from '../../components/map/CityMap';
import { PageContainer } from '../../components/PageContainer';
import { PublicStatusTag } from '../../components/PublicStatusTag';
import { scorePercent, useSuggestions } from '../../components/suggest/useSuggestions';
import { IntakeLocation } from '../intake/IntakeLocation';
import { useIntakePlace } from '../intake/useIntakePlace';

type OwnReport = ApiResponse<'/api/reports/mine', 'get'>['items'][number];

interface Values {
  description: string;
  matterCode?: string;
  address?: string;
  photos?: string[];
  disposed: boolean;
  note?: string;
  afterPhotos?: string[];
}

const newKey = () => crypto.randomUUID();

export function DepartmentChecksPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [point, setPoint] = useState<LngLat | null>(null);
  const [result, setResult] = useState<ReportResult | null>(null);
  const key = useRef(newKey());
  const description = Form.useWatch('description', form) ?? '';
  const matterCode = Form.useWatch('matterCode', form);
  const disposed = Form.useWatch('disposed', form) ?? false;
  const place = useIntakePlace(point, matterCode);
  // The one classifier every form asks (POST /api/intake/suggest): types, and the places named.
  const suggested = useSuggestions(description, point);
  const hasWords = [...description.trim()].length >= 2;
  const suggestions = hasWords ? (suggested.data?.matterTypes ?? []) : [];
  const mentioned = hasWords ? (suggested.data?.places ?? []) : [];

  const mine = useQuery({
    queryKey: ['reports', 'mine', 'department'],
    queryFn: () => api.get<ListResult<OwnReport>>('/api/reports/mine', { pageSize: 50 }),
  });
  const submit = useMutation({
    mutationFn: (v: Values) =>
      api.post<ReportResult>('/api/reports', {
        idempotencyKey: key.current,
        channel: 'department',
        description: v.description.trim(),
        address: v.address?.trim() || undefined,
        location: { lng: point!.lng, lat: point!.lat, crs: 'wgs84' },
        matterCode: v.matterCode || undefined,
        photos: v.photos?.length ? v.photos : undefined,
        ...(v.disposed ? { selfDisposal: { note: v.note?.trim() ?? '', photos: v.afterPhotos ?? [] } } : {}),
      }),
    onSuccess: (res) => {
      setResult(res);
      void mine.refetch();
    },
  });
  const again = () => {
    key.current = newKey();
    setResult(null);
    setPoint(null);
    form.resetFields();
    submit.reset();
  };
  const own = (mine.data?.items ?? []).filter((r) => r.channel === 'department');

  return (
    <PageContainer testId="page-department-checks" title={t('departmentChecks.title')}>
      <Row gutter={12}>
        <Col xs={24} xl={14}>
          {result ? (
            <Card>
              <Result
                status="success"
                title={
                  result.merged
                    ? t('departmentChecks.doneJoined')
                    : result.report.status === 'in_progress'
                      ? t('departmentChecks.doneDisposed')
                      : t('departmentChecks.doneReported')
                }
                subTitle={t('departmentChecks.tracking', { code: result.report.trackingCode })}
                extra={
                  <Button type="primary" onClick={again} data-testid="department-again">
                    {t('departmentChecks.again')}
                  </Button>
                }
                data-testid="department-result"
              />
            </Card>
          ) : (
            <Card size="small" title={t('departmentChecks.form')}>
              <Typography.Paragraph type="secondary">{t('departmentChecks.intro')}</Typography.Paragraph>
              <Form<Values>
                form={form}
                layout="vertical"
                initialValues={{ disposed: false }}
                onFinish={(v) => {
                  if (point) submit.mutate(v);
                }}
                data-testid="department-form"
              >
                <Form.Item
                  name="description"
                  label={t('intake.field.description')}
                  rules={[{ required: true, whitespace: true, min: 2, max: 2000 }]}
                >
                  <Input.TextArea rows={3} maxLength={2000} showCount data-testid="department-description" />
                </Form.Item>
                {mentioned.length > 0 && (
                  <div style={{ margin: '-12px 0 12px' }} data-testid="department-mentioned">
                    <Typography.Text type="secondary">{t('intake.mentionedPlaces')} </Typography.Text>
                    {mentioned.map((p) => (
                      <Tag
                        key={p.id}
                        color="geekblue"
                        style={{ cursor: 'pointer' }}
                        onClick={() => {
                          setPoint({ lng: p.lng, lat: p.lat });
                          if (!form.getFieldValue('address')?.trim()) form.setFieldValue('address', p.name);
                        }}
                      >
                        {p.name}
                      </Tag>
                    ))}
                  </div>
                )}
                <Form.Item
                  name="matterCode"
                  label={t('intake.field.type')}
                  // A self-disposal names its type: the server checks routing gives it to this unit.
                  rules={disposed ? [{ required: true, message: t('departmentChecks.typeRequired') }] : []}
                  extra={
                    suggestions.length ? (
                      <Space size={4} wrap>
                        {t('intake.suggestions')}
                        {suggestions.map((s) => (
                          <Tag
                            key={s.code}
                            color={s.code === matterCode ? 'blue' : undefined}
                            style={{ cursor: 'pointer' }}
                            onClick={() => form.setFieldValue('matterCode', s.code)}
                            data-testid="department-suggestion"
                            title={t('intake.suggestionScore', { score: scorePercent(s.score) })}
                          >
                            {s.code} {s.name} <span style={{ opacity: 0.6 }}>{scorePercent(s.score)}</span>
                          </Tag>
                        ))}
                      </Space>
                    ) : null
                  }
                >
                  <MatterTypeSelect data-testid="department-type" />
                </Form.Item>
                <Form.Item name="address" label={t('intake.field.address')} rules={[{ max: 200 }]}>
                  <Input maxLength={200} />
                </Form.Item>
                <Form.Item name="photos" label={t('departmentChecks.beforePhotos')}>
                  <PhotoUpload testId="department-photos" />
                </Form.Item>
                <Form.Item name="disposed" valuePropName="checked" label={t('departmentChecks.disposed')}>
                  <Switch data-testid="department-disposed" />
                </Form.Item>
                {disposed && (
                  <>
                    <Alert
                      type="info"
                      showIcon
                      title={t('departmentChecks.disposedHint')}
                      style={{ marginBottom: 12 }}
                    />
                    <Form.Item
                      name="note"
                      label={t('departmentChecks.note')}
                      rules={[{ required: true, whitespace: true, min: 2, max: 2000 }]}
                    >
                      <Input.TextArea
                        rows={2}
                        maxLength={2000}
                        placeholder={t('departmentChecks.notePlaceholder')}
                      />
                    </Form.Item>
                    <Form.Item
                      name="afterPhotos"
                      label={t('departmentChecks.afterPhotos')}
                      rules={[
                        {
                          required: true,
                          type: 'array',
                          min: 1,
                          message: t('departmentChecks.afterRequired'),
                        },
                      ]}
                    >
                      <PhotoUpload testId="department-after-photos" />
                    </Form.Item>
                  </>
                )}
                {!point && (
                  <Alert
                    type="warning"
                    showIcon
                    title={t('intake.pickPointFirst')}
                    style={{ marginBottom: 12 }}
                  />
                )}
                {submit.error && (
                  <Alert
                    type="error"
                    showIcon
                    title={submit.error.message}
                    style={{ marginBottom: 12 }}
                    data-testid="department-error"
                  />
                )}
                <Button
                  type="primary"
                  htmlType="submit"
                  loading={submit.isPending}
                  disabled={!point}
                  data-testid="department-submit"
                >
                  {disposed ? t('departmentChecks.submitDisposed') : t('departmentChecks.submit')}
                </Button>
              </Form>
            </Card>
          )}
        </Col>
        <Col xs={24} xl={10}>
          {/* Where, beside the words: the point is needed before the report can be sent. */}
          {!result && (
            <div style={{ marginBottom: 12 }}>
              <IntakeLocation
                point={point}
                onPick={setPoint}
                onChoosePlace={(p) => {
                  setPoint({ lng: p.point.lng, lat: p.point.lat });
                  if (!form.getFieldValue('address')?.trim()) form.setFieldValue('address', p.name);
                }}
                place={place}
              />
            </div>
          )}
          <Card size="small" title={t('departmentChecks.mine')}>
            <List<OwnReport>
              loading={mine.isFetching}
              dataSource={own}
              locale={{ emptyText: <Empty description={t('departmentChecks.none')} /> }}
              data-testid="department-mine"
              renderItem={(r) => (
                <List.Item key={r.reportId}>
                  <List.Item.Meta
                    title={
                      <Space size={6}>
                        <PublicStatusTag status={r.status as PublicStatus} />
                        <Typography.Text ellipsis style={{ maxWidth: 300 }}>
                          {r.description}
                        </Typography.Text>
                      </Space>
                    }
                    description={
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('departmentChecks.trackingShort', { code: r.trackingCode })} ·{' '}
                        {formatTime(r.createdAt)}
                      </Typography.Text>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
