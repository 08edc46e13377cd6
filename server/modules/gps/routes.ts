import type { OutgoingHttpHeaders } from 'node:http';
import { Type } from 'typebox';
import { MOVING_ABOVE_KMH, OFFLINE_AFTER_MS, PERSON_WINDOW_MS } from '../../../common/gps-live.ts';
import { AppError } from '../../platform/errors.ts';
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import type { LastPositions } from './live.ts';
import { LiveHub, liveSnapshot } from './live-service.ts';
import { trackAnalysis } from './replay-service.ts';
import {
  LiveSnapshot,
  MAX_PHONE_BATCH,
  MAX_TRACK_ROWS,
  MAX_TRACK_SPAN_MS,
  PhonePositions,
  PhonePositionsResult,
  PositionList,
  PositionsQuery,
  Terminal,
  TerminalCreate,
  TerminalDetail,
  TerminalDisableQuery,
  TerminalList,
  TerminalListQuery,
  TerminalUpdate,
  TrackAnalysis,
  TrackAnalysisQuery,
} from './schemas.ts';
import * as service from './service.ts';
import type { PositionsObserver } from './store.ts';

export interface GpsRouteOptions {
  /** The node's last positions (the live map's): a phone's positions update it. */
  live: LastPositions;
  /** The server's clock (tests set it). */
  clock?: () => Date;
  /** Evaluates a phone's stored positions against the geofences (alarm-engine.ts). */
  alarms?: PositionsObserver;
  /** Between two pushes of the live stream (default 1,500 ms). */
  liveIntervalMs?: number;
}

export const gpsRoutes = (opts: GpsRouteOptions) =>
  async function gpsPlugin(app: App) {
    const tags = ['gps'];
    const now = opts.clock ?? (() => new Date());
    const hub = new LiveHub(app.db, opts.live, { intervalMs: opts.liveIntervalMs, clock: now, log: app.log });
    app.addHook('onClose', async () => hub.close());
    app.get(
      '/api/gps/terminals',
      {
        config: { operation: 'gps.terminals.list' },
        schema: {
          tags,
          summary: 'GPS terminals in scope / GPS终端台账',
          querystring: TerminalListQuery,
          response: { 200: TerminalList, ...commonErrors },
        },
      },
      (request) => service.listTerminals(app.db, request.ctx, request.query),
    );
    app.post(
      '/api/gps/terminals',
      {
        config: { operation: 'gps.terminals.create' },
        schema: {
          tags,
          description:
            'Registers a JT/T 808 terminal by its phone/ID (`terminalId`); answers it with its auth code (鉴权码).',
          body: TerminalCreate,
          response: { 201: TerminalDetail, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createTerminal(app.db, request.ctx, request.body)),
    );
    app.get(
      '/api/gps/terminals/:id',
      {
        config: { operation: 'gps.terminals.get' },
        schema: { tags, params: IdParams, response: { 200: TerminalDetail, ...commonErrors } },
      },
      (request) => service.getTerminal(app.db, request.ctx, request.params.id),
    );
    app.patch(
      '/api/gps/terminals/:id',
      {
        config: { operation: 'gps.terminals.update' },
        schema: {
          tags,
          params: IdParams,
          body: TerminalUpdate,
          response: { 200: Terminal, ...commonErrors },
        },
      },
      (request) => service.updateTerminal(app.db, request.ctx, opts.live, request.params.id, request.body),
    );
    app.delete(
      '/api/gps/terminals/:id',
      {
        config: { operation: 'gps.terminals.disable' },
        schema: {
          tags,
          description:
            'Disables the terminal (its positions are kept; its registrations are refused from then on).',
          params: IdParams,
          querystring: TerminalDisableQuery,
          response: { 200: Terminal, ...commonErrors },
        },
      },
      (request) => service.disableTerminal(app.db, request.ctx, opts.live, request.params.id, request.query),
    );
    app.get(
      '/api/gps/positions',
      {
        config: { operation: 'gps.positions.track' },
        schema: {
          tags,
          description: `A terminal's or a person's positions in [from, to), in time order: time ISO 8601 UTC, lat/lng WGS84, speed km/h. At most ${MAX_TRACK_SPAN_MS / 86_400_000} days and ${MAX_TRACK_ROWS} positions (400 beyond).`,
          querystring: PositionsQuery,
          response: { 200: PositionList, ...commonErrors },
        },
      },
      (request) => service.positions(app.db, request.ctx, request.query),
    );
    app.post(
      '/api/gps/me/positions',
      {
        config: { operation: 'gps.me.positions' },
        schema: {
          tags,
          description: `The caller's own positions from the field app (at most ${MAX_PHONE_BATCH}): each stored, or refused with its index and reason; a resent position (same time) is stored once.`,
          body: PhonePositions,
          response: { 200: PhonePositionsResult, ...commonErrors },
        },
      },
      (request) =>
        service.reportOwnPositions(app.db, request.ctx, opts.live, request.body, now(), opts.alarms),
    );
    app.get(
      '/api/gps/live',
      {
        config: { operation: 'gps.live' },
        schema: {
          tags,
          summary: 'Live map: vehicles and people on duty / 实时监控',
          description:
            'Every enabled vehicle (terminal) and every person whose phone sent a position in the last ' +
            `${PERSON_WINDOW_MS / 60_000} minutes that the caller may see, with the newest fix and a state: offline when the ` +
            `fix is older than ${OFFLINE_AFTER_MS / 60_000} minutes (or there is none), else alarm when an alarm bit is set, ` +
            `else moving above ${MOVING_ABOVE_KMH} km/h, else stopped. Follow changes with GET /api/gps/live/stream.`,
          response: { 200: LiveSnapshot, ...commonErrors },
        },
      },
      (request) => liveSnapshot(app.db, request.ctx.actor, opts.live, now()),
    );
    app.get(
      '/api/gps/live/stream',
      {
        config: { operation: 'gps.live.stream' },
        schema: {
          tags,
          summary: 'Live map updates (text/event-stream) / 实时位置推送',
          description:
            'Server-sent events: every ~1.5 s an `event: positions` frame whose `data` is `{ now, items }` — the items of ' +
            'GET /api/gps/live that changed since the previous frame, only those the caller may see; `: ping` comments ' +
            'when idle. No replay: take the snapshot (GET /api/gps/live) after connecting.',
          response: {
            200: {
              description: 'an endless text/event-stream',
              content: { 'text/event-stream': { schema: Type.String() } },
            },
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const actor = request.ctx.actor;
        if (!hub.permitted(actor)) throw new AppError('FORBIDDEN');
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          // Hijacked: the headers every answer carries (platform/web-security.ts) are copied over.
          ...(reply.getHeaders() as OutgoingHttpHeaders),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n\n');
        const unsubscribe = hub.subscribe(actor, res);
        request.raw.on('close', unsubscribe);
      },
    );
    app.get(
      '/api/gps/tracks/analysis',
      {
        config: { operation: 'gps.tracks.analysis' },
        schema: {
          tags,
          summary: 'Track replay with stops and grids / 轨迹回放分析',
          description:
            'The fixes of `terminal` or `user` in [from, to) (as GET /api/gps/positions, same bounds), the distance ' +
            'travelled, the stops (the longest runs of fixes within `stopRadius` metres of their first one lasting at ' +
            'least `stopMinutes`; defaults 50 m, 3 min) and the unit grids crossed in order with enter/leave times.',
          querystring: TrackAnalysisQuery,
          response: { 200: TrackAnalysis, ...commonErrors },
        },
      },
      (request) => trackAnalysis(app.db, request.ctx, request.query),
    );
  };
