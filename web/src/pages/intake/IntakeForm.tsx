/**
 * The report form of intake: channel, address, description, type (with the classifier's
 * suggestions for the description, and the places it names), reporter and photos. The page owns
 * the form instance, the point and the submit.
 */
import { EnvironmentOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, type FormInstance, Input, Row, Select, Space, Tag } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { reportChannelsOf } from '../../../../common/channels.ts';
import { useMe } from '../../api/queries';
import { CHANNELS, type Channel } from '../../components/case/api';
import { channelLabel } from '../../components/case/CaseBits';
import { MatterTypeSelect } from '../../components/case/MatterTypeSelect';
import { PhotoUpload } from '../../components/case/Photos';
import { type SuggestedPlace, scorePercent, useSuggestions } from '../../components/suggest/useSuggestions';

export interface IntakeValues {
  channel: Channel;
  description: string;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  matterCode?: string;
  photos?: string[];
}

/** The fields a server error may name, mapped to the form item that shows it. */
export const INTAKE_ERROR_FIELDS: ReadonlyMap<string, keyof IntakeValues> = new Map([
  ['channel', 'channel'],
  ['description', 'description'],
  ['address', 'address'],
  ['matterCode', 'matterCode'],
  ['photos', 'photos'],
  // The server names the reporter as a whole; the phone is the part that can be wrong.
  ['reporter', 'reporterPhone'],
]);

export function IntakeForm({
  form,
  onFinish,
  submitting,
  submitError,
  mayMerge,
  onReset,
  point,
  onPlaceMentioned,
}: {
  form: FormInstance<IntakeValues>;
  onFinish: (v: IntakeValues) => void;
  submitting: boolean;
  submitError: string | null;
  /** Open cases of this type are nearby: saving may merge the report into one. */
  mayMerge: boolean;
  onReset: () => void;
  /** The report's point, when picked: components standing there weigh in on the type. */
  point: { lng: number; lat: number } | null;
  /** A place the description names, chosen: the page moves the point there. */
  onPlaceMentioned: (p: SuggestedPlace) => void;
}) {
  const { t } = useTranslation();
  const description = Form.useWatch('description', form) ?? '';
  const matterCode = Form.useWatch('matterCode', form);
  const suggested = useSuggestions(description, point);
  // Words too short to classify show nothing (not the answer for the previous words).
  const hasWords = [...description.trim()].length >= 2;
  const suggestions = hasWords ? (suggested.data?.matterTypes ?? []) : [];
  const mentioned = hasWords ? (suggested.data?.places ?? []) : [];
  // The channel says who sent the report (common/channels.ts `reportChannelsOf`, the server's own
  // rule): a unit reports its own checks (部门自查), an inspector as an inspector, other staff on the
  // citizen's channel; the form offers only those, so the server never has to refuse one.
  const me = useMe().data;
  const channels = useMemo(
    () =>
      me
        ? reportChannelsOf({ unit: me.scope.kind === 'unit', apiKey: false, roles: me.user.roles })
        : CHANNELS,
    [me],
  );
  const first = channels.includes('hotline') ? 'hotline' : channels[0];
  useEffect(() => {
    if (!channels.includes(form.getFieldValue('channel'))) form.setFieldValue('channel', first);
  }, [channels, first, form]);
  return (
    <Card title={t('intake.section.report')} size="small" style={{ marginBottom: 12 }}>
      <Form<IntakeValues>
        form={form}
        layout="vertical"
        initialValues={{ channel: first }}
        onFinish={onFinish}
        data-testid="intake-form"
      >
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name="channel" label={t('intake.field.channel')} rules={[{ required: true }]}>
              <Select
                options={channels.map((c) => ({ value: c, label: channelLabel(t, c) }))}
                disabled={channels.length === 1}
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
        {mentioned.length > 0 && (
          <div style={{ margin: '-12px 0 12px' }} data-testid="intake-mentioned-places">
            <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('intake.mentionedPlaces')}</span>{' '}
            {mentioned.map((p) => (
              <Tag
                key={p.id}
                icon={<EnvironmentOutlined />}
                color={p.generated ? undefined : 'geekblue'}
                style={{ cursor: 'pointer' }}
                onClick={() => onPlaceMentioned(p)}
                data-testid="intake-mentioned-place"
              >
                {p.name}
              </Tag>
            ))}
          </div>
        )}
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
                    data-code={s.code}
                    title={t('intake.suggestionScore', { score: scorePercent(s.score) })}
                  >
                    {s.code} {s.name} <span style={{ opacity: 0.6 }}>{scorePercent(s.score)}</span>
                  </Tag>
                ))}
              </span>
            ) : (
              t('intake.typeOptional')
            )
          }
        >
          <MatterTypeSelect data-testid="intake-type" />
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
            loading={submitting}
            data-testid="intake-submit"
            size="large"
          >
            {mayMerge ? t('intake.submitMaybeMerge') : t('intake.submit')}
          </Button>
          <Button onClick={onReset} size="large" data-testid="intake-reset">
            {t('common.reset')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
