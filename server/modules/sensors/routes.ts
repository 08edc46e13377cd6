import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import type { Spatial } from '../cases/index.ts';
import { importDevices } from './import.ts';
import { listKinds, updateKind } from './kinds.ts';
import type { SensorRuntime } from './runtime.ts';
import {
  Device,
  DeviceCreate,
  DeviceDetail,
  DeviceImport,
  DeviceImportResult,
  DeviceList,
  DeviceListQuery,
  DeviceMap,
  DeviceUpdate,
  Kind,
  KindList,
  KindParams,
  KindUpdate,
  Readings,
  ReadingsQuery,
  SensorStatus,
} from './schemas.ts';
import * as service from './service.ts';

export const sensorRoutes = (runtime: SensorRuntime, spatial: Spatial) =>
  async function sensorPlugin(app: App) {
    const tags = ['sensors'];
    app.get(
      '/api/sensors/status',
      {
        config: { operation: 'sensors.status' },
        schema: {
          tags,
          summary: 'Devices by state and this node’s MQTT listener / 传感器接入状态',
          response: { 200: SensorStatus, ...commonErrors },
        },
      },
      (request) => service.sensorStatus(app.db, request.ctx, runtime.status()),
    );
    app.get(
      '/api/sensors/kinds',
      {
        config: { operation: 'sensors.kinds.list' },
        schema: { tags, response: { 200: KindList, ...commonErrors } },
      },
      (request) => listKinds(app.db, request.ctx),
    );
    app.put(
      '/api/sensors/kinds/:code',
      {
        config: { operation: 'sensors.kinds.update' },
        schema: {
          tags,
          description: "Replaces a kind's rules, silence limit and offline matter type (the city's admins).",
          params: KindParams,
          body: KindUpdate,
          response: { 200: Kind, ...commonErrors },
        },
      },
      (request) => updateKind(app.db, request.ctx, request.params.code, request.body),
    );
    app.get(
      '/api/sensors/devices',
      {
        config: { operation: 'sensors.devices.list' },
        schema: { tags, querystring: DeviceListQuery, response: { 200: DeviceList, ...commonErrors } },
      },
      (request) => service.listDevices(app.db, request.ctx, request.query),
    );
    app.post(
      '/api/sensors/devices',
      {
        config: { operation: 'sensors.devices.create' },
        schema: { tags, body: DeviceCreate, response: { 201: Device, ...commonErrors } },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createDevice(app.db, request.ctx, spatial, request.body)),
    );
    app.post(
      '/api/sensors/devices/import',
      {
        config: { operation: 'sensors.devices.import' },
        schema: {
          tags,
          description: 'Registers the devices of a CSV: all rows or none (422 naming each bad row).',
          body: DeviceImport,
          response: { 201: DeviceImportResult, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await importDevices(app.db, request.ctx, spatial, request.body)),
    );
    app.get(
      '/api/sensors/map',
      {
        config: { operation: 'sensors.map' },
        schema: {
          tags,
          description: `Every device in the caller's scope as a point (at most ${service.MAP_LIMIT}).`,
          response: { 200: DeviceMap, ...commonErrors },
        },
      },
      (request) => service.deviceMap(app.db, request.ctx),
    );
    app.get(
      '/api/sensors/devices/:id',
      {
        config: { operation: 'sensors.devices.get' },
        schema: { tags, params: IdParams, response: { 200: DeviceDetail, ...commonErrors } },
      },
      (request) => service.getDevice(app.db, request.ctx, request.params.id),
    );
    app.patch(
      '/api/sensors/devices/:id',
      {
        config: { operation: 'sensors.devices.update' },
        schema: { tags, params: IdParams, body: DeviceUpdate, response: { 200: Device, ...commonErrors } },
      },
      (request) => service.updateDevice(app.db, request.ctx, spatial, request.params.id, request.body),
    );
    app.get(
      '/api/sensors/devices/:id/readings',
      {
        config: { operation: 'sensors.devices.readings' },
        schema: {
          tags,
          description:
            'Readings between `from` and `to` (default: the last 24 hours; at most 92 days), downsampled to at most `maxPoints` buckets: per bucket the count and each field’s mean, minimum and maximum.',
          params: IdParams,
          querystring: ReadingsQuery,
          response: { 200: Readings, ...commonErrors },
        },
      },
      (request) => service.readings(app.db, request.ctx, request.params.id, request.query, runtime.now()),
    );
  };
