import type { FormInstance } from 'antd';
import { type ApiError, detailField, isApiError } from '../api/client';

interface MessageApi {
  error: (content: string) => unknown;
}

/**
 * Show a server error: details that name a field of this form go next to that field,
 * anything else (and the error itself when no field matched) becomes a message.
 */
export function showServerError(error: unknown, message: MessageApi, form?: FormInstance): void {
  if (!isApiError(error)) {
    message.error(error instanceof Error ? error.message : String(error));
    return;
  }
  const placed = form ? placeFieldErrors(error, form) : 0;
  if (placed === 0) {
    const extra = error.details
      .map((d) => d.message)
      .filter((m): m is string => typeof m === 'string' && m !== '' && m !== error.message);
    message.error(extra.length ? `${error.message}: ${extra.join('; ')}` : error.message);
  }
}

function placeFieldErrors(error: ApiError, form: FormInstance): number {
  const known = new Set<string>();
  const collect = (value: unknown) => {
    if (value && typeof value === 'object') for (const k of Object.keys(value)) known.add(k);
  };
  collect(form.getFieldsValue(true));
  const byField = new Map<string, string[]>();
  for (const d of error.details) {
    const field = detailField(d);
    if (!field || !known.has(field)) continue;
    const list = byField.get(field) ?? [];
    // The top-level message is in the user's language and specific (e.g. "当前密码不正确"); only
    // schema validation failures need the detail's own text to say what is wrong.
    list.push(error.code === 'VALIDATION_FAILED' && d.message ? d.message : error.message);
    byField.set(field, list);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size;
}
