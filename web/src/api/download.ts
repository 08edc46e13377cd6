/**
 * Downloads a file the API makes (an export): fetched with the session and the UI's language (the
 * file's headers and labels follow it), saved through a blob link under the server's file name; an
 * error answer (in the UI's language) is thrown as the API client throws it.
 */
import i18n from '../i18n';
import { ApiError, buildQuery } from './client';

export async function downloadFile(
  path: string,
  query: Record<string, string | number | undefined>,
  fallbackName: string,
  failedMessage: string,
): Promise<string> {
  const res = await fetch(`${path}${buildQuery(query)}`, {
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
      body?.error?.message ?? failedMessage,
      body?.error?.details ?? [],
      null,
    );
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
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
