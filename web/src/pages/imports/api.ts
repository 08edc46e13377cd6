import { ApiError } from '../../api/client';
import i18n from '../../i18n';

export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  message_zh: string;
  message_en: string;
}
export interface ReportRow {
  row: number;
  id: string | null;
  ok: boolean;
  findings: Finding[];
}
export interface ImportJob {
  id: string;
  kind: 'divisions' | 'grids' | 'components';
  fileName: string;
  format: 'geojson' | 'shapefile';
  crs: string | null;
  status: 'validating' | 'writing' | 'failed' | 'succeeded';
  total: number;
  processed: number;
  summary: Record<string, unknown> | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  report?: ReportRow[];
}

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
