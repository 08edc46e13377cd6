import { ApiError } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import i18n from '../../i18n';

// The contract's types (generated from the server's OpenAPI document) under the page's names.
export type ImportJob = ApiResponse<'/api/imports/{id}', 'get'>;
/** A job as the list shows it (without its row-by-row report). */
export type ImportJobListItem = ApiResponse<'/api/imports', 'get'>['items'][number];
export type ReportRow = ImportJob['report'][number];
export type Finding = ReportRow['findings'][number];

/** Multipart upload to POST /api/imports?wait=false: answers the job at once (202). */
export async function uploadImport(input: {
  kind: string;
  crs: string;
  mode: string;
  file: File;
}): Promise<ImportJob> {
  const body = new FormData();
  body.append('kind', input.kind);
  if (input.crs && input.crs !== 'detect') body.append('crs', input.crs);
  body.append('mode', input.mode);
  body.append('file', input.file, input.file.name);
  const res = await fetch('/api/imports?wait=false', {
    method: 'POST',
    body,
    credentials: 'include',
    headers: { Accept: 'application/json', 'Accept-Language': i18n.language || 'zh-CN' },
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? res.statusText,
      e?.details ?? [],
      null,
    );
  }
  return data as ImportJob;
}
