/**
 * Live events (GET /api/stream, Server-Sent Events). One EventSource for the whole tab, shared by
 * every subscriber (work queue, case page, notification bell, the hotline console) whatever the
 * topic, and closed when the last one leaves. The browser reconnects by itself (the server sends `retry: 3000`) and resumes with
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
type AnyListener = (data: unknown) => void;

/** Listeners by the frame's event name (`case`, `hotline` …): one stream carries every topic. */
const listeners = new Map<string, Set<AnyListener>>();
let source: EventSource | null = null;
const attached = new Set<string>();

const count = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);

/** Listens on the open stream for frames named `event` (once per name). */
function attach(event: string) {
  if (!source || attached.has(event)) return;
  attached.add(event);
  source.addEventListener(event, (msg) => {
    let data: unknown;
    try {
      data = JSON.parse((msg as MessageEvent<string>).data);
    } catch {
      return;
    }
    for (const l of [...(listeners.get(event) ?? [])]) l(data);
  });
}

function open() {
  if (typeof EventSource === 'undefined') return;
  if (!source) source = new EventSource('/api/stream', { withCredentials: true });
  for (const event of listeners.keys()) attach(event);
}

function close() {
  source?.close();
  source = null;
  attached.clear();
}

/**
 * Subscribes to the live frames named `event` (`case`: case events; `hotline`: incoming calls and
 * their answering, for the hotline's operators). The stream opens with the first subscriber and
 * closes when the last one leaves.
 */
export function subscribeStream<T>(event: string, listener: (data: T) => void): () => void {
  let set = listeners.get(event);
  if (!set) {
    set = new Set();
    listeners.set(event, set);
  }
  const l = listener as AnyListener;
  set.add(l);
  open();
  return () => {
    set.delete(l);
    if (count() === 0) close();
  };
}

export function subscribeCaseEvents(listener: Listener): () => void {
  return subscribeStream<CaseEvent>('case', listener);
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
