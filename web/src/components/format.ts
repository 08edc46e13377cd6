import dayjs from 'dayjs';

export function formatTime(v: string | null | undefined): string {
  if (!v) return '—';
  const d = dayjs(v);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : v;
}

/** Props that give an antd-generated button (a modal's OK button) a `data-testid`. */
export function testIdProps<T>(id: string): T {
  return { 'data-testid': id } as unknown as T;
}
