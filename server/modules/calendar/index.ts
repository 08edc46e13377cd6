/**
 * Public interface of the calendar module: the city's working calendar (holidays, make-up days,
 * working windows) as the case loop reads it, and its routes. The pure calendar arithmetic lives
 * in common/calendar.
 */
export { insertDaysIfMissing } from './repository.ts';
export { calendarRoutes } from './routes.ts';
export { computeDue, getCalendar } from './service.ts';
