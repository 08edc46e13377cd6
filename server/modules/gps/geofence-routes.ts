/** The geofences' and GPS alarms' routes (`/api/gps/geofences`, `/api/gps/alarms`). */
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import * as alarms from './alarm-service.ts';
import {
  AlarmHandle,
  AlarmList,
  AlarmListQuery,
  Geofence,
  GeofenceCreate,
  GeofenceList,
  GeofenceListQuery,
  GeofenceUpdate,
  GeofenceVersionQuery,
  GpsAlarm,
} from './geofence-schemas.ts';
import * as fences from './geofence-service.ts';

export const geofenceRoutes = () =>
  async function geofencePlugin(app: App) {
    const tags = ['gps'];
    app.get(
      '/api/gps/geofences',
      {
        config: { operation: 'gps.geofences.list' },
        schema: {
          tags,
          summary: 'Geofences in scope with their rules / 电子围栏',
          querystring: GeofenceListQuery,
          response: { 200: GeofenceList, ...commonErrors },
        },
      },
      (request) => fences.listGeofences(app.db, request.ctx, request.query),
    );
    app.post(
      '/api/gps/geofences',
      {
        config: { operation: 'gps.geofences.create' },
        schema: {
          tags,
          description:
            'An area (drawn polygon, or copied from a grid/community/district by `sourceCode`) or a route (a line and `corridorM`) with its rule.',
          body: GeofenceCreate,
          response: { 201: Geofence, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await fences.createGeofence(app.db, request.ctx, request.body)),
    );
    app.get(
      '/api/gps/geofences/:id',
      {
        config: { operation: 'gps.geofences.get' },
        schema: { tags, params: IdParams, response: { 200: Geofence, ...commonErrors } },
      },
      (request) => fences.getGeofence(app.db, request.ctx, request.params.id),
    );
    app.patch(
      '/api/gps/geofences/:id',
      {
        config: { operation: 'gps.geofences.update' },
        schema: {
          tags,
          params: IdParams,
          body: GeofenceUpdate,
          response: { 200: Geofence, ...commonErrors },
        },
      },
      (request) => fences.updateGeofence(app.db, request.ctx, request.params.id, request.body),
    );
    app.delete(
      '/api/gps/geofences/:id',
      {
        config: { operation: 'gps.geofences.disable' },
        schema: {
          tags,
          description: 'Disables the fence (its alarms keep naming it).',
          params: IdParams,
          querystring: GeofenceVersionQuery,
          response: { 200: Geofence, ...commonErrors },
        },
      },
      (request) => fences.disableGeofence(app.db, request.ctx, request.params.id, request.query.version),
    );
    app.get(
      '/api/gps/alarms',
      {
        config: { operation: 'gps.alarms.list' },
        schema: {
          tags,
          summary: 'GPS alarms in scope, newest first / GPS告警',
          querystring: AlarmListQuery,
          response: { 200: AlarmList, ...commonErrors },
        },
      },
      (request) => alarms.listAlarms(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/gps/alarms/:id',
      {
        config: { operation: 'gps.alarms.get' },
        schema: { tags, params: IdParams, response: { 200: GpsAlarm, ...commonErrors } },
      },
      (request) => alarms.getAlarm(app.db, request.ctx, request.params.id),
    );
    app.post(
      '/api/gps/alarms/:id/acknowledge',
      {
        config: { operation: 'gps.alarms.acknowledge' },
        schema: {
          tags,
          description: 'open → acknowledged, with an optional note (audited).',
          params: IdParams,
          body: AlarmHandle,
          response: { 200: GpsAlarm, ...commonErrors },
        },
      },
      (request) => alarms.acknowledgeAlarm(app.db, request.ctx, request.params.id, request.body),
    );
    app.post(
      '/api/gps/alarms/:id/close',
      {
        config: { operation: 'gps.alarms.close' },
        schema: {
          tags,
          description: 'open or acknowledged → closed, with an optional note (audited).',
          params: IdParams,
          body: AlarmHandle,
          response: { 200: GpsAlarm, ...commonErrors },
        },
      },
      (request) => alarms.closeAlarm(app.db, request.ctx, request.params.id, request.body),
    );
  };
