/** Settings are the city's: any administrator reads them, only the city's administrators change them. */
import type { Actor } from '../../platform/context.ts';

export const canReadSettings = (actor: Actor) => actor.permissions.includes('settings:manage');

export const canWriteSettings = (actor: Actor) =>
  actor.permissions.includes('settings:manage') && actor.scope.kind === 'city';
