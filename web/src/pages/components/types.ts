import type { ApiResponse } from '../../api/types';

/** A component as the API answers it (the generated contract). */
export type Component = ApiResponse<'/api/components/{id}', 'get'>;
export type ComponentState = Component['state'];
export const COMPONENT_STATES = [
  'intact',
  'damaged',
  'lost',
  'abandoned',
  'removed',
] as const satisfies readonly ComponentState[];

export const STATE_COLORS: Record<ComponentState, string> = {
  intact: 'green',
  damaged: 'orange',
  lost: 'red',
  abandoned: 'default',
  removed: 'default',
};
