/**
 * The API's typed contract. Every route's answers are TypeBox schemas: the OpenAPI document is
 * built from them, the web client's types are generated from the document
 * (scripts/gen-api-types.ts), and Fastify serialises every answer through its schema — so a
 * schema is both the documentation and a filter.
 *
 * - The document types every answer of every operation: no response without a schema, no `{}`,
 *   no free map of anything. The event snapshots and a component's extension attributes are the
 *   only open shapes, named below with why; the list fails when it names a place that is gone.
 * - Every route the server answers under /api, /ogc and /tiles is in the document (the document
 *   is what the client is generated from).
 * - What a route sends is what its service returns: the answer of each typed read equals the
 *   service's result as JSON, so no field the web uses is dropped by a schema that forgot it.
 */
import { randomUUID } from 'node:crypto';
import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ACTIONS, CASE_STATES, TRANSITIONS } from '../../common/workflow.ts';
import type { OpenApiDocument, OpenApiSchema } from '../../scripts/lib/api-types.ts';
import { listEvents } from '../../server/modules/audit/service.ts';
import { getCase, listCases, mapCases, waitingCounts } from '../../server/modules/cases/query-service.ts';
import { items as ogcItems } from '../../server/modules/geo/ogc-service.ts';
import { getGrid } from '../../server/modules/geo/service.ts';
import type { SpatialService } from '../../server/modules/geo/spatial-service.ts';
import { authenticate } from '../../server/modules/identity/auth-service.ts';
import { listNotifications } from '../../server/modules/notifications/service.ts';
import { listSettingsFor } from '../../server/modules/settings/service.ts';
import type { RequestContext } from '../../server/platform/context.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, dispatchCase, pointIn } from '../support/cases.ts';
import { fromOpenApiPath, parseRouteTree } from '../support/routes.ts';

process.env.DEMO_COMPONENTS ??= '300';

/**
 * The deliberately open shapes: `METHOD path status` and the JSON pointer into the answer. An
 * event's `before`/`after` is the entity as it was recorded then (older events keep older
 * shapes); a component's `attrs` are its type's extension attributes, free per type and kept
 * from an import's file as they were; a base map layer's `filter`, `layout` and `paint` are
 * MapLibre's own expression language (an uploaded style's, checked by MapLibre when drawn).
 */
const OPEN_SHAPES = new Set([
  'GET /api/audit 200 /items/[]/before',
  'GET /api/audit 200 /items/[]/after',
  'GET /api/routing/history 200 /items/[]/before',
  'GET /api/routing/history 200 /items/[]/after',
  'GET /api/routing/rules/{id}/history 200 /items/[]/before',
  'GET /api/routing/rules/{id}/history 200 /items/[]/after',
  'GET /api/cases/{id} 200 /timeline/[]/before',
  'GET /api/cases/{id} 200 /timeline/[]/after',
  'GET /api/components 200 /items/[]/attrs',
  'POST /api/components 201 /attrs',
  'GET /api/components/{id} 200 /attrs',
  'PATCH /api/components/{id} 200 /attrs',
  'GET /api/basemap 200 /style/layers/[]/filter/[]',
  'GET /api/basemap 200 /style/layers/[]/layout',
  'GET /api/basemap 200 /style/layers/[]/paint',
  'GET /api/basemap/archives/{id}/style 200 /layers/[]/filter/[]',
  'GET /api/basemap/archives/{id}/style 200 /layers/[]/layout',
  'GET /api/basemap/archives/{id}/style 200 /layers/[]/paint',
]);

/** Routes served but not documented: the document itself and its viewer. */
const UNDOCUMENTED = (url: string) => url === '/api/openapi.json' || url.startsWith('/api/docs');

const TYPING = ['type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf'] as const;

/**
 * The places in a schema that type nothing: a schema without any typing keyword (`{}`), an object
 * that is nothing but a map of anything, a map whose values are untyped. `at` is a JSON pointer
 * into the answer (`[]` for an array's items).
 */
function untypedPlaces(s: OpenApiSchema | undefined, at = ''): string[] {
  if (s === undefined) return [`${at || '/'} (no schema)`];
  if (s.$ref) return [`${at || '/'} ($ref the generator cannot follow)`];
  if (!TYPING.some((k) => k in s)) return [at || '/'];
  const out: string[] = [];
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const alt of s[k] ?? []) out.push(...untypedPlaces(alt, at));
  }
  if (s.type === 'array') out.push(...untypedPlaces(s.items, `${at}/[]`));
  if (s.type === 'object') {
    const props = Object.entries(s.properties ?? {});
    const extra = s.additionalProperties;
    const open = extra === true || (typeof extra === 'object' && !TYPING.some((k) => k in extra));
    if (props.length === 0 && open) out.push(at || '/');
    else if (typeof extra === 'object' && !open) out.push(...untypedPlaces(extra, `${at}/*`));
    for (const [pattern, value] of Object.entries(s.patternProperties ?? {})) {
      out.push(...untypedPlaces(value, `${at}/${pattern}`));
    }
    for (const [name, value] of props) out.push(...untypedPlaces(value, `${at}/${name}`));
  }
  return [...new Set(out)];
}

let t: TestApp;
let doc: OpenApiDocument;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as(null).get('/api/openapi.json');
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => t?.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );

describe('the OpenAPI document', () => {
  it('types every answer of every operation (the open shapes are the named ones)', () => {
    const untyped: string[] = [];
    const open = new Set<string>();
    for (const { path, method, op } of operations()) {
      const responses = Object.entries(op.responses ?? {});
      if (!responses.some(([status]) => /^2/.test(status))) untyped.push(`${method} ${path}: no 2xx answer`);
      for (const [status, r] of responses) {
        // No content, or not modified (a conditional GET of a file): no body to type.
        if (status === '204' || status === '304') {
          if (r.content) untyped.push(`${method} ${path} ${status} has a body`);
          continue;
        }
        if (!r.content || Object.keys(r.content).length === 0) {
          untyped.push(`${method} ${path} ${status}: no schema`);
          continue;
        }
        for (const [media, { schema }] of Object.entries(r.content)) {
          for (const place of untypedPlaces(schema)) {
            const name = `${method} ${path} ${status} ${place}`;
            if (OPEN_SHAPES.has(name)) open.add(name);
            else untyped.push(`${name} (${media})`);
          }
        }
      }
    }
    expect(untyped).toEqual([]);
    // Every open shape listed is still there: the list says exactly where the contract is open.
    expect([...OPEN_SHAPES].filter((s) => !open.has(s))).toEqual([]);
  });

  it('recognises what an untyped answer looks like', () => {
    expect(untypedPlaces({})).toEqual(['/']);
    expect(untypedPlaces(undefined)).toEqual(['/ (no schema)']);
    expect(untypedPlaces({ type: 'object', properties: { a: {} } })).toEqual(['/a']);
    expect(untypedPlaces({ type: 'object', properties: {}, additionalProperties: true })).toEqual(['/']);
    expect(untypedPlaces({ type: 'object', patternProperties: { '^.*$': {} } })).toEqual(['/^.*$']);
    expect(untypedPlaces({ type: 'array', items: { anyOf: [{ type: 'string' }, {}] } })).toEqual(['/[]']);
    expect(untypedPlaces({ type: 'object', properties: { a: { type: 'string' } } })).toEqual([]);
  });

  it('documents every route the server answers under /api, /ogc and /tiles', () => {
    const documented = new Set(operations().map(({ path, method }) => `${method} ${fromOpenApiPath(path)}`));
    // Read from the router itself (listRoutes refuses the docs' wildcard, which is undocumented anyway).
    const served = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as HTTPMethods[])
      .flatMap((method) =>
        parseRouteTree(t.app.printRoutes({ method, commonPrefix: false })).filter((r) => r.method === method),
      )
      .filter((r) => /^\/(api|ogc|tiles)(\/|$)/.test(r.url) && !UNDOCUMENTED(r.url))
      .map((r) => {
        expect(t.app.hasRoute({ method: r.method as HTTPMethods, url: r.url }), r.url).toBe(true);
        return `${r.method} ${r.url}`;
      });
    expect(served.length).toBeGreaterThan(50);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });
});

/** The request context a token stands for, as the auth hook builds it. */
async function contextOf(token: string): Promise<RequestContext> {
  return { actor: await authenticate(t.app.db, token), requestId: null, sourceIp: null, lang: 'zh' };
}

/** What a service returned, as JSON: what the answer must be when the schema drops nothing. */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('answers carry everything their service returns', () => {
  it('the case page, the case list, the audit trail, notifications and settings', async () => {
    const admin = await t.login('admin');
    const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
      id: string;
      name: string;
    }[];
    const unit = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
    // A case with a report, stages, a task-free history and a pending extension application.
    const id = await dispatchCase(t, unit, 30, { description: `井盖缺失 ${randomUUID().slice(0, 8)}` });
    expect((await actOn(t, 'unit.haishu-sanitation', id, 'sign')).statusCode).toBe(200);
    const applied = await actOn(t, 'unit.haishu-sanitation', id, 'apply_extension', {
      reason: '需要更换整套井座',
      extension: { amount: 2, unit: 'work_day' },
    });
    expect(applied.statusCode, applied.body).toBe(200);

    const dispatcher = await t.login('haishu.dispatcher');
    const ctx = await contextOf(dispatcher);
    const page = await t.as(dispatcher).get(`/api/cases/${id}`);
    expect(page.statusCode).toBe(200);
    const detail = page.json();
    expect(detail).toEqual(asJson(await getCase(t.app.db, ctx, id)));
    // The parts the case page draws from, present and filled.
    expect(detail.case.pending.extension).toMatchObject({
      amount: 2,
      unit: 'work_day',
      reason: '需要更换整套井座',
    });
    expect(detail.timeline.map((e: { action: string }) => e.action)).toContain('case.apply_extension');
    expect(detail.timeline.at(-1).after).toMatchObject({ input: { extension: { amount: 2 } } });
    expect(detail.actions.length).toBeGreaterThan(0);
    expect(detail.stages.length).toBeGreaterThan(0);

    const list = await t.as(dispatcher).get('/api/cases?view=all&pageSize=50');
    expect(list.json()).toEqual(asJson(await listCases(t.app.db, ctx, { view: 'all', pageSize: 50 })));

    // The case map's points: every field the service returns (the light included) reaches the answer.
    const map = await t.as(dispatcher).get('/api/cases/map?limit=50');
    expect(map.statusCode).toBe(200);
    expect(map.json().items.length).toBeGreaterThan(0);
    expect(map.json().items.find((p: { id: string }) => p.id === id)).toMatchObject({
      code: detail.case.code,
      light: detail.case.light,
    });
    const direct = asJson(await mapCases(t.app.db, ctx, { limit: 50 }));
    expect(map.json()).toEqual(direct);

    const inbox = await t.as(dispatcher).get('/api/notifications?pageSize=50');
    expect(inbox.json()).toEqual(asJson(await listNotifications(t.app.db, ctx, { pageSize: 50 })));
    expect(inbox.json().items[0].params).toMatchObject({ code: detail.case.code });
    expect(inbox.json().items[0]).toMatchObject({ count: 1, lastAt: expect.any(String) });

    // The counts of "my work": the dispatcher has the extension to decide.
    const waiting = await t.as(dispatcher).get('/api/cases/waiting');
    expect(waiting.json()).toEqual(asJson(await waitingCounts(t.app.db, ctx)));
    expect(waiting.json().queues).toEqual([{ role: 'dispatcher', total: waiting.json().total }]);
    expect(waiting.json().total).toBeGreaterThan(0);

    const adminCtx = await contextOf(admin);
    const audit = await t.as(admin).get(`/api/audit?entityId=${id}&pageSize=50`);
    expect(audit.json()).toEqual(
      asJson(await listEvents(t.app.db, adminCtx, { entityId: id, pageSize: 50 })),
    );
    const settings = await t.as(admin).get('/api/settings');
    expect(settings.json()).toEqual(asJson(await listSettingsFor(t.app.db, adminCtx)));
  });

  it('the transition table (a field a rule gains must be in the Workflow schema too)', async () => {
    const res = await t.as(await t.login('haishu.dispatcher')).get('/api/workflow');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(
      asJson({ states: CASE_STATES, actions: CASE_ACTIONS, transitions: TRANSITIONS }),
    );
  });

  it('a grid, and OGC features of grids, divisions and components with their geometries', async () => {
    const admin = await t.login('admin');
    const ctx = await contextOf(admin);
    // The grid index buildApp made (and decorated the app with), which the routes use.
    const spatial = (t.app as unknown as { spatial: SpatialService }).spatial;
    const p = await pointIn(t, '330203', 3);
    const grid = await t.as(admin).get(`/api/geo/grids/${p.gridId}`);
    expect(grid.json()).toEqual(asJson(await getGrid(t.app.db, ctx, p.gridId)));
    expect(grid.json().geometry.type).toMatch(/Polygon$/);
    for (const collection of ['grids', 'districts', 'components']) {
      const res = await t.as(admin).get(`/ogc/collections/${collection}/items?limit=5`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const direct = asJson(
        await ogcItems(t.app.db, spatial, ctx, 'http://localhost:80', collection, { limit: 5 }),
      );
      expect(body.features.length).toBe(5);
      // The links carry the request's host and the time stamp the moment of the answer.
      expect({ ...body, links: [], timeStamp: '' }).toEqual({ ...direct, links: [], timeStamp: '' });
    }
  });
});
