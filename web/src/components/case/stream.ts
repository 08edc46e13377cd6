/**
 * Live case events (GET /api/stream, Server-Sent Events). One EventSource for the whole tab,
 * shared by every subscriber (work queue, case page, notification bell) and closed when the last
 * one leaves. The browser reconnects by itself (the server sends `retry: 3000`) and resumes with
 * Last-Event-ID.
 */
import { useEffect, useRef } from 'react';

export interface CaseEvent {
  id: number;
  at: string;
  action: string;
  caseId: string | null;
  districtCode: string | null;
  state: string | null;
}

type Listener = (e: CaseEvent) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;

function open() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/stream', { withCredentials: true });
  source.addEventListener('case', (msg) => {
    let data: CaseEvent;
    try {
      data = JSON.parse((msg as MessageEvent<string>).data) as CaseEvent;
    } catch {
      return;
    }
    for (const l of [...listeners]) l(data);
  });
}

function close() {
  source?.close();
  source = null;
}

export function subscribeCaseEvents(listener: Listener): () => void {
  listeners.add(listener);
  open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) close();
  };
}

/**
 * Call `onEvent` for each live case event (optionally only those that pass `filter`), at most once
 * per `debounceMs`: a burst of events (a dispatcher working fast) makes one refetch.
 */
export function useCaseEvents(
  onEvent: (e: CaseEvent) => void,
  options: { filter?: (e: CaseEvent) => boolean; debounceMs?: number; enabled?: boolean } = {},
) {
  const { debounceMs = 500, enabled = true } = options;
  const cb = useRef(onEvent);
  const filter = useRef(options.filter);
  cb.current = onEvent;
  filter.current = options.filter;
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: CaseEvent | null = null;
    const unsubscribe = subscribeCaseEvents((e) => {
      if (filter.current && !filter.current(e)) return;
      last = e;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (last) cb.current(last);
      }, debounceMs);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [enabled, debounceMs]);
}
