/**
 * Register devices from a CSV (a vendor's delivery list): pasted or read from a file, checked by
 * the server row by row, written all or none. What is wrong is listed by line and column.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ButtonProps } from 'antd';
import { Alert, App, Button, Input, List, Modal, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api, isApiError } from '../../api/client';
import { testIdProps } from '../../components/format';
import { sensorsKey } from './api';

const EXAMPLE = 'code,kind,name,lng,lat,address,component_id,silence_s';

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [csv, setCsv] = useState('');
  const [failure, setFailure] = useState<ApiError | Error | null>(null);
  const mutation = useMutation({
    mutationFn: () => api.post<{ created: number; codes: string[] }>('/api/sensors/devices/import', { csv }),
    onSuccess: (r) => {
      void message.success(t('sensors.import.done', { n: r.created }));
      void qc.invalidateQueries({ queryKey: sensorsKey });
      onClose();
    },
    onError: (e) => setFailure(e as Error),
  });
  return (
    <Modal
      open
      title={t('sensors.import.title')}
      width={720}
      onCancel={onClose}
      onOk={() => {
        setFailure(null);
        mutation.mutate();
      }}
      okText={t('sensors.import.submit')}
      okButtonProps={{ ...testIdProps<ButtonProps>('sensor-import-submit'), disabled: csv.trim() === '' }}
      confirmLoading={mutation.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('sensors.import.hint')}</Typography.Paragraph>
      <Typography.Paragraph>
        <Typography.Text code copyable>
          {EXAMPLE}
        </Typography.Text>
      </Typography.Paragraph>
      <Upload
        accept=".csv,text/csv"
        maxCount={1}
        showUploadList={false}
        beforeUpload={(file) => {
          void file.text().then(setCsv);
          return false;
        }}
      >
        <Button size="small">{t('sensors.import.file')}</Button>
      </Upload>
      <Input.TextArea
        value={csv}
        onChange={(e) => setCsv(e.target.value)}
        rows={10}
        style={{ marginTop: 8, fontFamily: 'monospace' }}
        placeholder={`${EXAMPLE}\nHS-TILT-0101,manhole_tilt,解放南路井盖,121.551,29.870,,,`}
        data-testid="sensor-import-csv"
      />
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={failure.message}
          data-testid="sensor-import-errors"
          description={
            isApiError(failure) && failure.details.length > 0 ? (
              <List
                size="small"
                dataSource={failure.details}
                renderItem={(d) => (
                  <List.Item style={{ padding: '2px 0' }}>
                    <Typography.Text code>{String(d.field ?? '').replace(/^csv\./, '')}</Typography.Text>{' '}
                    {d.message}
                  </List.Item>
                )}
              />
            ) : undefined
          }
        />
      )}
    </Modal>
  );
}
