/** The working calendar is the city's: everyone signed in reads it; only the city's administrators change it. */
import { defineScope } from '../../platform/scope.ts';

export const calendarManage = defineScope({
  permission: 'calendar:manage',
  city: true,
  district: false,
  unit: false,
});
