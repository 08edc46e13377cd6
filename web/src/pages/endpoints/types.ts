/** The shapes of /api/endpoints and /api/endpoints/:orgId/deliveries: the generated contract. */
import type { ApiResponse } from '../../api/types';

export type UnitEndpoint = ApiResponse<'/api/endpoints', 'get'>['items'][number];
/** The endpoint after a write; `secret` only when one was generated (shown once). */
export type EndpointPutResult = ApiResponse<'/api/endpoints/{orgId}', 'put'>;
export type Delivery = ApiResponse<'/api/endpoints/{orgId}/deliveries', 'get'>['items'][number];
export type DeliveryStatus = Delivery['status'];

export const STATUS_COLORS: Record<DeliveryStatus, string> = {
  pending: 'processing',
  delivered: 'success',
  dead: 'error',
};
