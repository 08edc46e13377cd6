/**
 * The in-app inbox is personal at every level: a user reads and marks their own notifications,
 * nobody else's (not even an administrator), and a machine (API key) has no inbox.
 */
import { defineScope, type ScopeActor } from '../../platform/scope.ts';
import { notification } from './tables.ts';

const own = (_scope: unknown, a: ScopeActor) => (a.type === 'user' && a.id ? { userId: a.id } : false);

export const inbox = defineScope({
  columns: { userId: notification.userId },
  city: own,
  district: own,
  unit: own,
});
