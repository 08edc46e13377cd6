/** Photo thumbnails (click → the original) and an uploader that yields photo ids (POST /api/photos). */
import { PlusOutlined } from '@ant-design/icons';
import { App, Image, Space, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { photoUrl, thumbUrl, uploadPhoto } from './api';

export function PhotoThumbs({
  ids,
  size = 72,
  testId = 'case-photos',
}: {
  ids: readonly string[];
  size?: number;
  testId?: string;
}) {
  if (ids.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Space size={6} wrap data-testid={testId}>
        {ids.map((id) => (
          <Image
            key={id}
            src={thumbUrl(id)}
            preview={{ src: photoUrl(id) }}
            width={size}
            height={size}
            style={{ objectFit: 'cover', borderRadius: 4, border: '1px solid #f0f0f0' }}
            data-testid="case-photo"
          />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

const ACCEPT = 'image/jpeg,image/png,image/webp';
const MAX = 9;

/** Form control: value = uploaded photo ids. */
export function PhotoUpload({
  value,
  onChange,
  testId = 'photo-upload',
}: {
  value?: string[];
  onChange?: (ids: string[]) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>(() =>
    (value ?? []).map((id) => ({ uid: id, name: id, status: 'done', url: thumbUrl(id), response: { id } })),
  );
  const emit = (list: UploadFile[]) => {
    onChange?.(list.filter((f) => f.status === 'done' && f.response?.id).map((f) => f.response.id as string));
  };
  return (
    <div data-testid={testId}>
      <Upload
        accept={ACCEPT}
        listType="picture-card"
        multiple
        fileList={files}
        customRequest={({ file, onSuccess, onError }) => {
          uploadPhoto(file as File).then(
            (res) => onSuccess?.(res),
            (err: Error) => {
              void message.error(t('case.photoUploadFailed', { message: err.message }));
              onError?.(err);
            },
          );
        }}
        onChange={({ fileList }) => {
          const next = fileList
            .filter((f) => f.status !== 'error')
            .map((f) =>
              f.status === 'done' && f.response?.id
                ? { ...f, url: photoUrl(f.response.id), thumbUrl: thumbUrl(f.response.id) }
                : f,
            );
          setFiles(next);
          emit(next);
        }}
        onPreview={(f) => {
          if (f.response?.id) window.open(photoUrl(f.response.id), '_blank', 'noopener');
        }}
      >
        {files.length >= MAX ? null : (
          <div>
            <PlusOutlined />
            <div style={{ marginTop: 6, fontSize: 12 }}>{t('case.addPhoto')}</div>
          </div>
        )}
      </Upload>
    </div>
  );
}
