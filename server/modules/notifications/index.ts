/** Public interface of the notifications module: writing to users' in-app inboxes, and its routes. */
export { notificationRoutes } from './routes.ts';
export { insertNotifications, type NewNotification } from './service.ts';
