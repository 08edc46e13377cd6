/**
 * The base map's administration (city administrators): the choice, the archives and the upload.
 * Types are the generated contract's.
 */
import { ApiError, api, type ErrorDetail } from '../../api/client';
import type { ApiBody, ApiResponse } from '../../api/types';
import i18n from '../../i18n';

export type BaseMapSettings = ApiResponse<'/api/basemap/settings', 'get'>;
export type BaseMapArchive = BaseMapSettings['archives'][number];
export type ChoicePut = ApiBody<'/api/basemap', 'put'>;
export type ArchiveStyle = ApiResponse<'/api/basemap/archives/{id}/style', 'get'>;

export const fetchSettings = () => api.get<BaseMapSettings>('/api/basemap/settings');
export const putChoice = (body: ChoicePut) => api.put<BaseMapSettings['choice']>('/api/basemap', body);
export const fetchArchiveStyle = (id: string) => api.get<ArchiveStyle>(`/api/basemap/archives/${id}/style`);
export const deleteArchive = (id: string) => api.delete<void>(`/api/basemap/archives/${id}`);
export const regenerate = () => api.post<BaseMapArchive>('/api/basemap/generated');

/**
 * POST /api/basemap/archives as multipart, with upload progress (0–100): XMLHttpRequest, since
 * fetch reports none. Fields go before the files; the archive is streamed by the server.
 */
export function uploadArchive(
  input: { archive: File; style?: File | null; name?: string },
  onProgress: (percent: number) => void,
): Promise<BaseMapArchive> {
  const form = new FormData();
  if (input.name) form.append('name', input.name);
  if (input.style) form.append('style', input.style, input.style.name);
  form.append('archive', input.archive, input.archive.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/basemap/archives');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', i18n.language || 'zh-CN');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded * 100) / e.total));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', i18n.t('error.network'), [], null));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as BaseMapArchive);
        return;
      }
      const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      reject(
        new ApiError(
          xhr.status,
          err?.code ?? `HTTP_${xhr.status}`,
          err?.message ?? i18n.t('error.http', { status: xhr.status }),
          Array.isArray(err?.details) ? (err.details as ErrorDetail[]) : [],
          null,
        ),
      );
    };
    xhr.send(form);
  });
}

/** Bytes as people read them (KiB, MiB, GiB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
