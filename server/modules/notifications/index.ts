/**
 * Public interface of the notifications module: users' in-app inboxes (routes) and the subscriber
 * that writes the case loop's notices in its transactions.
 */
export { notificationRoutes } from './routes.ts';
// Notices that are no case event (an early warning), written by their module in its transaction.
export { insertNotifications } from './service.ts';
export { registerNotificationSubscribers } from './subscribers.ts';
