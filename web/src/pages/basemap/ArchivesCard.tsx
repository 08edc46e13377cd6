/** The archives (uploaded and generated), their preview and deletion, and the upload with progress. */
import { DeleteOutlined, EyeOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  Popconfirm,
  Progress,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { formatTime } from '../../components/format';
import { type BaseMapArchive, type BaseMapSettings, deleteArchive, formatBytes, uploadArchive } from './api';

export function ArchivesCard({
  settings,
  preview,
  onPreview,
}: {
  settings: BaseMapSettings;
  preview: string | null;
  onPreview: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => deleteArchive(id),
    onSuccess: (_v, id) => {
      if (preview === id) onPreview(null);
      void message.success(t('basemap.deleted'));
      void qc.invalidateQueries({ queryKey: ['basemap'] });
    },
    onError: (e) => void message.error(isApiError(e) ? e.message : String(e)),
  });

  return (
    <Card title={t('basemap.archives')}>
      <UploadForm maxBytes={settings.maxUploadBytes} />
      <Table<BaseMapArchive>
        style={{ marginTop: 16 }}
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={settings.archives}
        data-testid="basemap-archives"
        columns={[
          {
            title: t('basemap.name'),
            dataIndex: 'name',
            render: (name: string, a) => (
              <Space size={4} wrap>
                <span>{name}</span>
                {a.active && <Tag color="blue">{t('basemap.inUse')}</Tag>}
                {a.origin === 'generated' && <Tag>{t('basemap.generatedTag')}</Tag>}
                {a.demo && <Tag color="orange">{t('basemap.demoTag')}</Tag>}
                {a.coversCity === false && <Tag color="warning">{t('basemap.notCity')}</Tag>}
              </Space>
            ),
          },
          { title: t('basemap.size'), dataIndex: 'bytes', width: 110, render: (b: number) => formatBytes(b) },
          {
            title: t('basemap.zooms'),
            width: 90,
            render: (_: unknown, a) => `${a.minZoom}–${a.maxZoom}`,
          },
          {
            title: t('basemap.layers'),
            render: (_: unknown, a) => (
              <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                {a.vectorLayers.map((l) => l.id).join(', ')}
              </Typography.Text>
            ),
          },
          {
            title: t('basemap.style'),
            width: 120,
            render: (_: unknown, a) => t(`basemap.styleSource.${a.styleSource}`),
          },
          {
            title: t('common.createdAt'),
            width: 170,
            render: (_: unknown, a) => (
              <span>
                {formatTime(a.createdAt)} · {a.createdBy}
              </span>
            ),
          },
          {
            title: t('common.actions'),
            width: 150,
            render: (_: unknown, a) => (
              <Space>
                <Button
                  size="small"
                  icon={<EyeOutlined />}
                  type={preview === a.id ? 'primary' : 'default'}
                  onClick={() => onPreview(a.id)}
                  data-testid={`basemap-preview-${a.id}`}
                >
                  {t('basemap.preview')}
                </Button>
                {a.origin === 'upload' && (
                  <Popconfirm
                    title={t('basemap.confirmDelete')}
                    onConfirm={() => remove.mutate(a.id)}
                    disabled={a.active}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} disabled={a.active} />
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

function UploadForm({ maxBytes }: { maxBytes: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [archive, setArchive] = useState<File | null>(null);
  const [style, setStyle] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: () =>
      uploadArchive({ archive: archive as File, style, name: name.trim() || undefined }, setProgress),
    onSuccess: (a) => {
      void message.success(t('basemap.uploaded', { name: a.name }));
      setArchive(null);
      setStyle(null);
      setName('');
      setProgress(null);
      setError(null);
      void qc.invalidateQueries({ queryKey: ['basemap'] });
    },
    onError: (e) => {
      setProgress(null);
      setError(isApiError(e) ? e.message : String(e));
    },
  });
  const tooBig = archive ? archive.size > maxBytes : false;

  return (
    <div data-testid="basemap-upload">
      <Upload.Dragger
        accept=".pmtiles,.mbtiles"
        maxCount={1}
        showUploadList={false}
        beforeUpload={(f) => {
          setArchive(f);
          setError(null);
          return false;
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{archive ? archive.name : t('basemap.dropArchive')}</p>
        <p className="ant-upload-hint">{t('basemap.uploadHint', { max: formatBytes(maxBytes) })}</p>
      </Upload.Dragger>
      <Space wrap style={{ marginTop: 8 }}>
        <Input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('basemap.namePlaceholder')}
          data-testid="basemap-upload-name"
          style={{ width: 240 }}
          maxLength={100}
        />
        <Upload
          accept=".json"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(f) => {
            setStyle(f);
            return false;
          }}
        >
          <Button>{style ? style.name : t('basemap.pickStyle')}</Button>
        </Upload>
        {style && (
          <Button type="link" onClick={() => setStyle(null)}>
            {t('basemap.noStyle')}
          </Button>
        )}
        <Button
          type="primary"
          disabled={!archive || tooBig}
          loading={upload.isPending}
          onClick={() => {
            setError(null);
            setProgress(0);
            upload.mutate();
          }}
          data-testid="basemap-upload-button"
        >
          {t('basemap.upload')}
        </Button>
      </Space>
      {tooBig && (
        <Alert
          style={{ marginTop: 8 }}
          type="warning"
          showIcon
          title={t('basemap.tooBig', { max: formatBytes(maxBytes) })}
        />
      )}
      {progress !== null && (
        <Progress percent={progress} style={{ marginTop: 8 }} data-testid="basemap-upload-progress" />
      )}
      {error && (
        <Alert
          style={{ marginTop: 8 }}
          type="error"
          showIcon
          title={error}
          data-testid="basemap-upload-error"
        />
      )}
    </div>
  );
}
