import { Form, Input, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import type { EndpointPutResult, UnitEndpoint } from './types';

interface Values {
  url: string;
  enabled: boolean;
}

/** Sets or edits a unit's endpoint; the server generates the secret on the first set. */
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
  return (
    <FormModal<Values, EndpointPutResult>
      title={t('endpoints.editTitle', { name: unit.orgName })}
      width={600}
      testId="endpoint-dialog"
      submitTestId="endpoint-dialog-submit"
      initialValues={{ url: unit.endpoint?.url ?? '', enabled: unit.endpoint?.enabled ?? true }}
      mutationFn={(v) =>
        api.put<EndpointPutResult>(`/api/endpoints/${unit.orgId}`, {
          url: v.url.trim(),
          enabled: v.enabled,
          ...(unit.endpoint ? { version: unit.endpoint.version } : {}),
        })
      }
      invalidate={['endpoints']}
      success={t('endpoints.saved')}
      onSaved={onSaved}
      onClose={onClose}
    >
      <Form.Item
        name="url"
        label={t('endpoints.url')}
        extra={t('endpoints.urlHelp')}
        rules={[
          { required: true, whitespace: true, message: t('endpoints.urlRequired') },
          { pattern: /^https?:\/\/\S+$/i, message: t('endpoints.urlInvalid') },
        ]}
      >
        <Input
          maxLength={2000}
          placeholder="https://unit.example.cn/cityops/cases"
          data-testid="endpoint-field-url"
        />
      </Form.Item>
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
