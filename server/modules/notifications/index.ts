/**
 * Public interface of the notifications module: users' in-app inboxes (routes) and the subscriber
 * that writes the case loop's notices in its transactions.
 */
export { notificationRoutes } from './routes.ts';
export { registerNotificationSubscribers } from './subscribers.ts';
