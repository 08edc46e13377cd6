import { Form, Input, Radio, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import type { EndpointPutResult, UnitEndpoint } from './types';

type Sender = 'webhook' | 'open311';

interface Values {
  url: string;
  enabled: boolean;
  sender: Sender;
  apiKey?: string;
  jurisdictionId?: string;
  format: 'xml' | 'json';
  defaultServiceCode?: string;
  serviceCodes?: string;
}

/** `06002=SAN-01` lines ↔ the code map the server keeps. */
export function parseServiceCodes(text: string | undefined): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const l = line.trim();
    if (!l) continue;
    const m = /^(\d{5})\s*=\s*(\S+)$/.exec(l);
    if (!m) return null;
    out[m[1]] = m[2];
  }
  return out;
}

const codesText = (codes: Record<string, string> | undefined) =>
  Object.entries(codes ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/**
 * Sets or edits a unit's endpoint: a signed webhook (the server generates the signing secret on the
 * first set) or a department's Open311 server (its base URL, the key it issued us — asked for once,
 * never shown again — its jurisdiction, the form to speak and our matter codes in its codes).
 */
export function EndpointDialog({
  unit,
  onClose,
  onSaved,
}: {
  unit: UnitEndpoint;
  onClose: () => void;
  onSaved: (r: EndpointPutResult) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const sender = Form.useWatch('sender', form) ?? unit.endpoint?.sender ?? 'webhook';
  const o311 = unit.endpoint?.open311 ?? null;
  const keySet = o311?.apiKeySet ?? false;
  return (
    <FormModal<Values, EndpointPutResult>
      title={t('endpoints.editTitle', { name: unit.orgName })}
      width={640}
      form={form}
      testId="endpoint-dialog"
      submitTestId="endpoint-dialog-submit"
      initialValues={{
        url: unit.endpoint?.url ?? '',
        enabled: unit.endpoint?.enabled ?? true,
        sender: unit.endpoint?.sender ?? 'webhook',
        jurisdictionId: o311?.jurisdictionId ?? '',
        format: o311?.format ?? 'xml',
        defaultServiceCode: o311?.defaultServiceCode ?? '',
        serviceCodes: codesText(o311?.serviceCodes),
      }}
      mutationFn={(v) =>
        api.put<EndpointPutResult>(`/api/endpoints/${unit.orgId}`, {
          url: v.url.trim(),
          enabled: v.enabled,
          sender: v.sender,
          ...(v.sender === 'open311'
            ? {
                open311: {
                  ...(v.apiKey?.trim() ? { apiKey: v.apiKey.trim() } : {}),
                  jurisdictionId: v.jurisdictionId?.trim() || null,
                  format: v.format,
                  defaultServiceCode: v.defaultServiceCode?.trim() || null,
                  serviceCodes: parseServiceCodes(v.serviceCodes) ?? {},
                },
              }
            : {}),
          ...(unit.endpoint ? { version: unit.endpoint.version } : {}),
        })
      }
      invalidate={['endpoints']}
      success={t('endpoints.saved')}
      onSaved={onSaved}
      onClose={onClose}
    >
      <Form.Item name="sender" label={t('endpoints.sender')}>
        <Radio.Group data-testid="endpoint-field-sender">
          <Radio value="webhook">{t('endpoints.senderName.webhook')}</Radio>
          <Radio value="open311">{t('endpoints.senderName.open311')}</Radio>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        name="url"
        label={sender === 'open311' ? t('endpoints.open311.url') : t('endpoints.url')}
        extra={sender === 'open311' ? t('endpoints.open311.urlHelp') : t('endpoints.urlHelp')}
        rules={[
          { required: true, whitespace: true, message: t('endpoints.urlRequired') },
          { pattern: /^https?:\/\/\S+$/i, message: t('endpoints.urlInvalid') },
        ]}
      >
        <Input
          maxLength={2000}
          placeholder={
            sender === 'open311'
              ? 'https://dept.example.cn/open311/v2'
              : 'https://unit.example.cn/cityops/cases'
          }
          data-testid="endpoint-field-url"
        />
      </Form.Item>
      {sender === 'open311' && (
        <>
          <Form.Item
            name="apiKey"
            label={t('endpoints.open311.apiKey')}
            extra={keySet ? t('endpoints.open311.apiKeyKept') : t('endpoints.open311.apiKeyHelp')}
            rules={
              keySet
                ? []
                : [{ required: true, whitespace: true, message: t('endpoints.open311.apiKeyRequired') }]
            }
          >
            <Input.Password
              maxLength={200}
              autoComplete="off"
              placeholder={keySet ? t('endpoints.open311.apiKeySet') : ''}
              data-testid="endpoint-field-api-key"
            />
          </Form.Item>
          <Form.Item
            name="jurisdictionId"
            label={t('endpoints.open311.jurisdiction')}
            extra={t('endpoints.open311.jurisdictionHelp')}
          >
            <Input maxLength={100} data-testid="endpoint-field-jurisdiction" />
          </Form.Item>
          <Form.Item
            name="format"
            label={t('endpoints.open311.format')}
            extra={t('endpoints.open311.formatHelp')}
          >
            <Radio.Group data-testid="endpoint-field-format">
              <Radio value="xml">XML</Radio>
              <Radio value="json">JSON</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item
            name="defaultServiceCode"
            label={t('endpoints.open311.defaultCode')}
            extra={t('endpoints.open311.defaultCodeHelp')}
          >
            <Input maxLength={40} data-testid="endpoint-field-default-code" />
          </Form.Item>
          <Form.Item
            name="serviceCodes"
            label={t('endpoints.open311.codes')}
            extra={t('endpoints.open311.codesHelp')}
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  if (parseServiceCodes(v) === null) throw new Error(t('endpoints.open311.codesInvalid'));
                },
              },
            ]}
          >
            <Input.TextArea
              rows={4}
              placeholder={'06002=SAN-01\n01037=LIGHT'}
              data-testid="endpoint-field-codes"
            />
          </Form.Item>
        </>
      )}
      <Form.Item
        name="enabled"
        label={t('endpoints.enabled')}
        valuePropName="checked"
        extra={t('endpoints.enabledHelp')}
      >
        <Switch data-testid="endpoint-field-enabled" />
      </Form.Item>
    </FormModal>
  );
}
