import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import type { LastPositions } from './live.ts';
import {
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
}

export const gpsRoutes = (opts: GpsRouteOptions) =>
  async function gpsPlugin(app: App) {
    const tags = ['gps'];
    const now = opts.clock ?? (() => new Date());
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
  };
