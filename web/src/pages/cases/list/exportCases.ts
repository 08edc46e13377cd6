/**
 * Downloads the filtered case list as .xlsx (GET /api/cases/export): fetched with the UI's
 * language (the workbook's headers follow it) and saved through a blob link; an error answer
 * (the 422 of too many rows, in the UI's language) is thrown as the API client throws it.
 */
import { ApiError, buildQuery } from '../../../api/client';
import i18n from '../../../i18n';

export async function exportCases(query: Record<string, string | number | undefined>): Promise<string> {
  const res = await fetch(`/api/cases/export${buildQuery(query)}`, {
    headers: { 'Accept-Language': i18n.language || 'zh-CN' },
    credentials: 'include',
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string; details?: [] };
    } | null;
    throw new ApiError(
      res.status,
      body?.error?.code ?? `HTTP_${res.status}`,
      body?.error?.message ?? i18n.t('case.export.failed'),
      body?.error?.details ?? [],
      null,
    );
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'cases.xlsx';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
