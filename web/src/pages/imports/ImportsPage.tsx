import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Progress,
  Result,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { formatTime } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import { PageContainer } from '../../components/PageContainer';
import { type ImportJob, type ImportJobListItem, uploadImport } from './api';
import { ReportTable } from './ReportTable';

const CRS_OPTIONS = [
  'detect',
  'wgs84',
  'cgcs2000',
  'gcj02',
  'bd09',
  'EPSG:4549',
  'EPSG:4550',
  'EPSG:4527',
  'EPSG:4528',
];

interface Choice {
  kind: 'divisions' | 'grids' | 'components' | 'places';
  crs: string;
  mode: 'insert' | 'replace';
}

/** The import wizard: kind and file → CRS and mode → validation and progress → result with its report. */
/** A job failed because its server process stopped (recovery.ts): the reason in the reader's language. */
function interruptedReason(j: ImportJobListItem, en: boolean): string | null {
  if (j.status !== 'failed' || !j.summary?.interrupted) return null;
  return String((en ? j.summary.reason_en : j.summary.reason_zh) ?? '');
}

export function ImportsPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [form] = Form.useForm<Choice>();
  const kinds = (['divisions', 'grids', 'components', 'places'] as const).filter((k) =>
    me?.permissions.includes(k === 'components' ? 'component:manage' : 'geo:manage'),
  );

  const start = useMutation({
    mutationFn: (c: Choice) => uploadImport({ ...c, file: file! }),
    onSuccess: (job) => {
      setJobId(job.id);
      setStep(2);
    },
    onError: (e) => showServerError(e, message),
  });
  const job = useQuery({
    queryKey: ['imports', 'job', jobId],
    queryFn: () => api.get<ImportJob>(`/api/imports/${jobId}`),
    enabled: !!jobId,
    refetchInterval: (q) =>
      q.state.data && ['failed', 'succeeded'].includes(q.state.data.status) ? false : 500,
  });
  const history = useQuery({
    queryKey: ['imports', 'list'],
    queryFn: () => api.get<ListResult<ImportJobListItem>>('/api/imports', { pageSize: 10 }),
  });
  const j = job.data;
  const finished = j && (j.status === 'failed' || j.status === 'succeeded');
  useEffect(() => {
    if (finished && step === 2) {
      setStep(3);
      void qc.invalidateQueries({ queryKey: ['imports', 'list'] });
    }
  }, [finished, step, qc]);
  const reset = () => {
    setStep(0);
    setFile(null);
    setJobId(null);
  };
  const percent = j && j.total > 0 ? Math.round((100 * j.processed) / j.total) : 0;

  return (
    <PageContainer testId="page-imports" title={t('imports.title')}>
      <Card>
        <Steps
          current={step}
          style={{ marginBottom: 24 }}
          items={[
            { title: t('imports.stepFile') },
            { title: t('imports.stepCrs') },
            { title: t('imports.stepValidate') },
            { title: t('imports.stepResult') },
          ]}
        />
        <Form form={form} layout="vertical" initialValues={{ kind: kinds[0], crs: 'detect', mode: 'insert' }}>
          <div style={{ display: step === 0 ? 'block' : 'none' }}>
            <Form.Item name="kind" label={t('imports.kind')} rules={[{ required: true }]}>
              <Select
                style={{ maxWidth: 320 }}
                options={kinds.map((k) => ({ value: k, label: t(`imports.kinds.${k}`) }))}
                data-testid="import-kind"
              />
            </Form.Item>
            <Upload.Dragger
              accept=".zip,.geojson,.json,.csv"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                return false;
              }}
              onRemove={() => setFile(null)}
              fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
              data-testid="import-file"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p>{t('imports.dropHint')}</p>
              <p className="ant-upload-hint">{t('imports.formats')}</p>
            </Upload.Dragger>
            <Button
              type="primary"
              style={{ marginTop: 16 }}
              disabled={!file}
              onClick={() => setStep(1)}
              data-testid="import-next"
            >
              {t('imports.next')}
            </Button>
          </div>
          <div style={{ display: step === 1 ? 'block' : 'none' }}>
            <Form.Item name="crs" label={t('imports.crs')} extra={t('imports.crsHint')}>
              <Select
                style={{ maxWidth: 320 }}
                options={CRS_OPTIONS.map((c) => ({
                  value: c,
                  label: c === 'detect' ? t('imports.detect') : c,
                }))}
                showSearch
                data-testid="import-crs"
              />
            </Form.Item>
            <Form.Item name="mode" label={t('imports.mode')} extra={t('imports.modeHint')}>
              <Select
                style={{ maxWidth: 320 }}
                options={[
                  { value: 'insert', label: t('imports.modes.insert') },
                  { value: 'replace', label: t('imports.modes.replace') },
                ]}
              />
            </Form.Item>
            <Space>
              <Button onClick={() => setStep(0)}>{t('imports.back')}</Button>
              <Button
                type="primary"
                loading={start.isPending}
                onClick={() => start.mutate(form.getFieldsValue(true) as Choice)}
                data-testid="import-start"
              >
                {t('imports.start')}
              </Button>
            </Space>
          </div>
        </Form>
        {step >= 2 && j && (
          <>
            <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('imports.file')}>{j.fileName}</Descriptions.Item>
              <Descriptions.Item label={t('imports.crs')}>{j.crs ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('imports.status')}>
                <Tag color={j.status === 'succeeded' ? 'green' : j.status === 'failed' ? 'red' : 'blue'}>
                  {t(`imports.statuses.${j.status}`)}
                </Tag>
              </Descriptions.Item>
            </Descriptions>
            <Progress
              percent={finished ? 100 : percent}
              status={j.status === 'failed' ? 'exception' : finished ? 'success' : 'active'}
              format={() => `${j.processed} / ${j.total}`}
              data-testid="import-progress"
            />
          </>
        )}
        {step === 3 && j && (
          <>
            {j.status === 'succeeded' ? (
              <Result
                status="success"
                title={t('imports.succeeded', { count: Number(j.summary?.written ?? 0) })}
                extra={<Button onClick={reset}>{t('imports.again')}</Button>}
              />
            ) : (
              <Alert
                type="error"
                showIcon
                style={{ margin: '12px 0' }}
                title={
                  interruptedReason(j, en) ??
                  t('imports.rejected', { errors: Number(j.summary?.errors ?? 0), rows: j.total })
                }
                action={<Button onClick={reset}>{t('imports.again')}</Button>}
                data-testid="import-rejected"
              />
            )}
            <ReportTable rows={j.report ?? []} />
          </>
        )}
      </Card>
      <Card title={t('imports.history')} style={{ marginTop: 16 }}>
        <Table<ImportJobListItem>
          rowKey="id"
          size="small"
          dataSource={history.data?.items ?? []}
          pagination={false}
          onRow={(r) => ({
            onClick: () => {
              setJobId(r.id);
              setStep(3);
            },
          })}
          columns={[
            { title: t('imports.kind'), dataIndex: 'kind', render: (k: string) => t(`imports.kinds.${k}`) },
            { title: t('imports.file'), dataIndex: 'fileName' },
            { title: t('imports.crs'), dataIndex: 'crs' },
            {
              title: t('imports.status'),
              dataIndex: 'status',
              render: (s: string, r: ImportJobListItem) => {
                const reason = interruptedReason(r, en);
                return reason ? `${t(`imports.statuses.${s}`)}: ${reason}` : t(`imports.statuses.${s}`);
              },
            },
            { title: t('imports.rows'), dataIndex: 'total' },
            { title: t('common.createdAt'), dataIndex: 'createdAt', render: formatTime },
          ]}
        />
      </Card>
    </PageContainer>
  );
}
