import type { EventFeed } from '../../platform/event-feed.ts';
import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import * as service from './calendar-service.ts';
import {
  DateParams,
  DayPut,
  DayResult,
  DaysQuery,
  DaysResult,
  DueQuery,
  DueResult,
  WindowsPut,
  WindowsResult,
} from './schemas.ts';
import { watchCalendar } from './service.ts';

/** The calendar routes; with a feed, calendar changes made on other nodes reload this node's cache. */
export function calendarRoutes(opts: { feed?: EventFeed } = {}) {
  return async function calendar(app: App) {
    const unwatch = watchCalendar(app.db, opts.feed);
    app.addHook('onClose', async () => unwatch());

    app.get(
      '/api/calendar/due',
      {
        config: { operation: 'calendar.due' },
        schema: {
          tags: ['calendar'],
          summary: 'Deadline preview / 时限计算',
          querystring: DueQuery,
          response: { 200: DueResult, ...commonErrors },
        },
      },
      (request) => service.dueFor(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/calendar/days',
      {
        config: { operation: 'calendar.days' },
        schema: {
          tags: ['calendar'],
          summary: "A year's holidays and make-up workdays, and the working windows / 节假日与调休",
          querystring: DaysQuery,
          response: { 200: DaysResult, ...commonErrors },
        },
      },
      (request) => service.listDays(app.db, request.ctx, request.query.year),
    );
    app.put(
      '/api/calendar/days/:date',
      {
        config: { operation: 'calendar.day_set' },
        schema: {
          tags: ['calendar'],
          summary: 'Mark a date a holiday, a make-up workday, or back to the Mon–Fri rule / 设置日期',
          params: DateParams,
          body: DayPut,
          response: { 200: DayResult, ...commonErrors },
        },
      },
      (request) => service.setDay(app.db, request.ctx, request.params.date, request.body),
    );
    app.put(
      '/api/calendar/windows',
      {
        config: { operation: 'calendar.windows_set' },
        schema: {
          tags: ['calendar'],
          summary: 'Working windows / 工作时段',
          body: WindowsPut,
          response: { 200: WindowsResult, ...commonErrors },
        },
      },
      (request) => service.putWindows(app.db, request.ctx, request.body),
    );
  };
}
