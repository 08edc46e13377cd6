import { formatChina } from './china-time';

/** `YYYY-MM-DD HH:mm:ss` of an instant in China time (UTC+8), whatever the browser's zone; `—` when empty. */
export function formatTime(v: string | null | undefined): string {
  return formatChina(v);
}

/** Props that give an antd-generated button (a modal's OK button) a `data-testid`. */
export function testIdProps<T>(id: string): T {
  return { 'data-testid': id } as unknown as T;
}
