/** The working calendar is the city's: everyone signed in reads it; only the city's administrators change it. */
import type { Actor } from '../../platform/context.ts';

export const canManageCalendar = (actor: Actor) =>
  actor.permissions.includes('calendar:manage') && actor.scope.kind === 'city';
