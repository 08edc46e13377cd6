import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The endpoint secret, shown once right after it was generated. */
export function SecretDialog({
  unit,
  secret,
  onClose,
}: {
  unit: string;
  secret: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('endpoints.secretTitle', { name: unit })}
      onCancel={onClose}
      mask={{ closable: false }}
      width={640}
      footer={
        <Button type="primary" onClick={onClose} data-testid="endpoint-secret-close">
          {t('endpoints.secretDone')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('endpoints.secretWarning')} style={{ marginBottom: 16 }} />
      <div
        style={{ background: '#f5f5f5', border: '1px solid #d9d9d9', borderRadius: 4, padding: '12px 16px' }}
      >
        <Typography.Paragraph
          copyable={{ text: secret, tooltips: [t('common.copy'), t('common.copied')] }}
          style={{ margin: 0, fontFamily: 'monospace', wordBreak: 'break-all', fontSize: 14 }}
          data-testid="endpoint-secret"
        >
          {secret}
        </Typography.Paragraph>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('endpoints.secretUsage')}
      </Typography.Paragraph>
      <Typography.Paragraph code style={{ fontSize: 12 }}>
        X-CityOps-Signature: sha256=hex(HMAC-SHA256(secret, X-CityOps-Timestamp + "." + body))
      </Typography.Paragraph>
    </Modal>
  );
}
