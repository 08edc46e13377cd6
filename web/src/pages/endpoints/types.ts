/** The shapes of /api/endpoints and /api/endpoints/:orgId/deliveries (server/modules/outbox/schemas.ts). */
export interface UnitEndpoint {
  orgId: string;
  orgName: string;
  districtCode: string | null;
  endpoint: {
    url: string;
    /** How deliveries reach the unit's system (server/modules/outbox/senders). */
    sender: 'webhook';
    enabled: boolean;
    version: number;
    updatedAt: string;
  } | null;
  deliveries: { pending: number; delivered: number; dead: number };
}

export interface EndpointPutResult extends UnitEndpoint {
  /** Only when a secret was generated: shown once. */
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  id: string;
  eventId: number;
  orgId: string;
  caseId: string | null;
  caseCode: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export const STATUS_COLORS: Record<DeliveryStatus, string> = {
  pending: 'processing',
  delivered: 'success',
  dead: 'error',
};
