/**
 * The hotline console's types and queries (server/modules/hotline, server/modules/callbacks): the
 * generated contract (api/schema.d.ts) under the names the pages use, and the live pop.
 */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api } from '../../api/client';
import type { ApiQuery, ApiResponse } from '../../api/types';
import { subscribeStream } from '../../components/case/stream';

export type CallDetail = ApiResponse<'/api/hotline/calls/{id}', 'get'>;
export type HotlineCall = CallDetail['call'];
export type CallerReport = CallDetail['history']['reports'][number];
export type CallList = ApiResponse<'/api/hotline/calls', 'get'>;
export type CallReportResult = ApiResponse<'/api/hotline/calls/{id}/report', 'post'>;
export type MySeat = ApiResponse<'/api/hotline/seat', 'get'>;
export type KnowledgeList = ApiResponse<'/api/hotline/knowledge', 'get'>;
export type KnowledgeEntry = KnowledgeList['items'][number];
export type CallbackList = ApiResponse<'/api/callbacks', 'get'>;
export type Callback = CallbackList['items'][number];
export type CallbackResult = ApiResponse<'/api/callbacks/{id}/result', 'post'>;

/** A frame of the live stream's `hotline` topic (platform/live-stream.ts). */
export interface HotlineEvent {
  id: number;
  at: string;
  action: 'hotline.incoming' | 'hotline.answer' | 'hotline.finish' | 'hotline.hangup' | string;
  callId: string;
  line: string | null;
  seat: string | null;
  status: string | null;
  operatorId: string | null;
  targets: string[];
}

export const hotlineKeys = {
  seat: ['hotline', 'seat'] as const,
  calls: (q: ApiQuery<'/api/hotline/calls', 'get'>) => ['hotline', 'calls', q] as const,
  call: (id: string) => ['hotline', 'call', id] as const,
  knowledge: (q: ApiQuery<'/api/hotline/knowledge', 'get'>) => ['hotline', 'knowledge', q] as const,
  callbacks: (q: ApiQuery<'/api/callbacks', 'get'>) => ['callbacks', q] as const,
};

export function useMySeat() {
  return useQuery({ queryKey: hotlineKeys.seat, queryFn: () => api.get<MySeat>('/api/hotline/seat') });
}

export function useCalls(q: ApiQuery<'/api/hotline/calls', 'get'>, refetchMs?: number) {
  return useQuery({
    queryKey: hotlineKeys.calls(q),
    queryFn: () => api.get<CallList>('/api/hotline/calls', { ...q }),
    placeholderData: keepPreviousData,
    refetchInterval: refetchMs,
  });
}

export function useCall(id: string | null) {
  return useQuery({
    queryKey: hotlineKeys.call(id ?? ''),
    enabled: !!id,
    queryFn: () => api.get<CallDetail>(`/api/hotline/calls/${id}`),
    staleTime: 0,
  });
}

export function useKnowledge(q: ApiQuery<'/api/hotline/knowledge', 'get'>, enabled = true) {
  return useQuery({
    queryKey: hotlineKeys.knowledge(q),
    enabled,
    queryFn: () => api.get<KnowledgeList>('/api/hotline/knowledge', { ...q }),
    placeholderData: keepPreviousData,
  });
}

export function useCallbacks(q: ApiQuery<'/api/callbacks', 'get'>) {
  return useQuery({
    queryKey: hotlineKeys.callbacks(q),
    queryFn: () => api.get<CallbackList>('/api/callbacks', { ...q }),
    placeholderData: keepPreviousData,
  });
}

/**
 * Calls `onEvent` for every frame of the hotline topic (a call ringing for this operator, a call
 * taken or finished by anyone) and refreshes the console's lists.
 */
export function useHotlineEvents(onEvent: (e: HotlineEvent) => void, enabled = true) {
  const qc = useQueryClient();
  const cb = useRef(onEvent);
  cb.current = onEvent;
  useEffect(() => {
    if (!enabled) return;
    return subscribeStream<HotlineEvent>('hotline', (e) => {
      void qc.invalidateQueries({ queryKey: ['hotline', 'calls'] });
      cb.current(e);
    });
  }, [enabled, qc]);
}
