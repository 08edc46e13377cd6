/**
 * Online opinion (网络舆情, issue 10 item 5) end to end on a real database, against a real HTTP feed
 * server on 127.0.0.1 serving RSS 2.0, Atom and JSON Feed samples of Ningbo street complaints:
 * polling through the outbound client, classification and places from the gazetteer, dedup by guid
 * and across feeds by link, conditional GET (ETag / Last-Modified → 304), hostile feeds that end as
 * a status and never as a crash, the moderation queue (turn into a report with intake's duplicate
 * check, dismiss, link to an open case — by hand and by itself on a strong match), and who sees
 * and decides what: another district's staff neither see nor act on a post.
 *
 * The feed server lives on loopback: this file runs as an operator would with OUTBOUND_ALLOW
 * listing it and the city setting outbound.allowHttp on (outbound-ssrf.test.ts covers the default).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollDue } from '../../server/modules/opinion/index.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  atom,
  BILLION_LAUGHS,
  deepNesting,
  jsonFeed,
  rss2,
  SAMPLE_POSTS,
  type SamplePost,
} from '../support/fixtures/opinion-feeds.ts';

let t: TestApp;
let admin: string;
let server: Server;
let base = '';

// ---------------------------------------------------------------------------------------------
// The feed server: what each path serves, changeable by the tests; what it was asked.

interface Served {
  body: () => string | Buffer;
  type: string;
  /** Serve an ETag / Last-Modified and answer 304 when the request names them. */
  validators?: { etag: string; lastModified: string };
  status?: number;
  headers?: Record<string, string>;
  /** Never answer (the poll's deadline ends it). */
  hang?: boolean;
}
const routes = new Map<string, Served>();
const asked: { path: string; ifNoneMatch?: string; ifModifiedSince?: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/';
  asked.push({
    path,
    ifNoneMatch: req.headers['if-none-match'] as string | undefined,
    ifModifiedSince: req.headers['if-modified-since'] as string | undefined,
  });
  const r = routes.get(path);
  if (!r) return void res.writeHead(404).end('no such feed');
  if (r.hang) return; // the socket stays open, silent
  if (r.validators && req.headers['if-none-match'] === r.validators.etag) {
    return void res.writeHead(304, { etag: r.validators.etag }).end();
  }
  res.writeHead(r.status ?? 200, {
    'content-type': r.type,
    ...(r.validators ? { etag: r.validators.etag, 'last-modified': r.validators.lastModified } : {}),
    ...r.headers,
  });
  res.end(r.body());
}

const posts = (ids: string[]): SamplePost[] => SAMPLE_POSTS.filter((p) => ids.includes(p.id));
const post = (id: string, over: Partial<SamplePost>): SamplePost => ({
  ...SAMPLE_POSTS[0],
  id,
  link: `https://bbs.example.cn/nb/${id}.html`,
  ...over,
});

// ---------------------------------------------------------------------------------------------
// Helpers

const deps = () => ({ db: t.app.db, outbound: t.app.outbound, spatial: t.app.spatial });
const feedIds: Record<string, string> = {};

async function addFeed(name: string, path: string, districtCode: string | null = null) {
  const res = await t.as(admin).post('/api/opinion/feeds', { name, url: `${base}${path}`, districtCode });
  expect(res.statusCode, res.body).toBe(201);
  feedIds[name] = res.json().id;
  return res.json();
}

async function pollNow(name: string) {
  const res = await t.as(admin).post(`/api/opinion/feeds/${feedIds[name]}/poll`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function postsAs(username: string, query = '') {
  const res = await t.as(await t.login(username)).get(`/api/opinion/posts?pageSize=200${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as {
    id: string;
    title: string;
    guid: string;
    state: string;
    version: number;
    districtCode: string | null;
    matterCode: string | null;
    typeScore: number | null;
    place: { name: string; lng: number; lat: number; gridId: string | null } | null;
    caseId: string | null;
    caseCode: string | null;
    autoLinked: boolean;
    relevant: boolean;
    actions: string[];
    text: string;
    link: string | null;
    feedName: string;
  }[];
}

async function postByGuid(guid: string, username = 'admin') {
  const all = [...(await postsAs(username)), ...(await postsAs(username, '&relevant=false'))];
  const p = all.find((x) => x.guid.includes(guid));
  if (!p) throw new Error(`no post ${guid} for ${username}`);
  return p;
}

const eventsOf = (action: string) =>
  t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM event WHERE action = ${action}`);

async function placeOf(name: string) {
  const res = await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent(name)}&limit=1`);
  const hit = res.json().items[0];
  expect(hit?.name, `the demo gazetteer holds ${name}`).toBe(name);
  return hit as { point: { lng: number; lat: number }; district: { code: string } };
}

beforeAll(async () => {
  t = await createTestApp({ outboundAllow: loadConfig({ OUTBOUND_ALLOW: '127.0.0.1/32' }).outboundAllow });
  admin = await t.login('admin');
  const allowHttp = (await t.as(admin).get('/api/settings/outbound.allowHttp')).json();
  expect(
    (await t.as(admin).put('/api/settings/outbound.allowHttp', { value: true, version: allowHttp.version }))
      .statusCode,
  ).toBe(200);
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  routes.set('/nb-forum/rss.xml', {
    type: 'application/rss+xml; charset=utf-8',
    body: () => rss2(posts(['tieba-20261120-001', 'tieba-20261120-003', 'tieba-20261120-004'])),
    validators: { etag: '"rss-v1"', lastModified: 'Fri, 20 Nov 2026 14:00:00 GMT' },
  });
  routes.set('/wenzheng/atom.xml', {
    type: 'application/atom+xml',
    body: () =>
      atom([
        posts(['tieba-20261120-002'])[0],
        // The same article as the forum's first post, syndicated: one post, not two.
        { ...SAMPLE_POSTS[0], id: 'wz-syndicated-001' },
      ]),
  });
  routes.set('/minsheng/feed.json', {
    type: 'application/feed+json',
    body: () =>
      jsonFeed([
        post('ms-001', {
          title: '开明街人行道上的暴露垃圾三天没人管',
          html: '<p>开明街靠近城隍庙，人行道上有暴露垃圾，一直没人清理。</p>',
        }),
      ]),
  });
}, 300_000);

afterAll(async () => {
  server?.close();
  await t?.close();
});

// ---------------------------------------------------------------------------------------------

describe('feeds', () => {
  it('an admin adds RSS, Atom and JSON feeds; URLs the platform will not call are refused', async () => {
    await addFeed('宁波论坛', '/nb-forum/rss.xml');
    await addFeed('甬城问政（海曙）', '/wenzheng/atom.xml', '330203');
    await addFeed('宁波热线民声', '/minsheng/feed.json');
    const metadata = await t
      .as(admin)
      .post('/api/opinion/feeds', { name: '元数据', url: 'http://169.254.169.254/latest/meta-data' });
    expect(metadata.statusCode).toBe(422);
    expect(metadata.json().error.code).toBe('OUTBOUND_URL_REFUSED');
    const scheme = await t.as(admin).post('/api/opinion/feeds', { name: '文件', url: 'file:///etc/passwd' });
    expect(scheme.statusCode).toBe(400);
    // A name of spaces and invisibles names nothing: refused, naming the field.
    const blank = await t
      .as(admin)
      .post('/api/opinion/feeds', { name: '  \u200b ', url: 'https://example.org/feed.xml' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.details[0].field).toBe('body.name');
    // A district admin's feeds are its district's; a city feed is the city's.
    const list = (await t.as(admin).get('/api/opinion/feeds')).json();
    expect(list.items.map((f: { name: string }) => f.name).sort()).toEqual(
      ['宁波论坛', '宁波热线民声', '甬城问政（海曙）'].sort(),
    );
  });

  it('polls the due feeds: posts stored as plain text, classified, placed', async () => {
    const outcomes = await pollDue(deps());
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    const manhole = await postByGuid('tieba-20261120-001');
    expect(manhole).toMatchObject({
      title: '中山西路的污水井盖又坏了，晚上骑车差点摔跤',
      matterCode: '01002',
      districtCode: '330203',
      relevant: true,
      state: 'new',
      link: 'https://bbs.example.cn/nb/thread-1001.html',
      feedName: '宁波论坛',
    });
    // The classifier's share of belief: past the relevance threshold (setting, 0.5 by default).
    expect(manhole.typeScore).toBeGreaterThanOrEqual(0.5);
    expect(manhole.place?.name).toBe('中山西路');
    expect(manhole.place?.gridId).toMatch(/^330203/);
    expect(manhole.text).toContain('污水井盖缺了一个角');
    const rubbish = await postByGuid('tieba-20261120-002');
    expect(rubbish).toMatchObject({ matterCode: '06010', districtCode: '330203', relevant: true });
    // The script of the post is gone; the text is text.
    expect(rubbish.text).not.toMatch(/alert|<script/);
    // A place in the city alone makes a post relevant (江北's 老外滩), with no type.
    const bund = await postByGuid('tieba-20261120-003');
    expect(bund).toMatchObject({ districtCode: '330205', relevant: true, matterCode: null });
    // Neither a type nor a place: stored (so it never comes back) but not in the queue, the city's.
    const stocks = await postByGuid('tieba-20261120-004');
    expect(stocks).toMatchObject({ relevant: false, districtCode: null, place: null });
    expect((await postsAs('admin')).map((p) => p.guid)).not.toContain('tieba-20261120-004');
    // The JSON feed's post: 开明街, 海曙.
    expect(await postByGuid('ms-001')).toMatchObject({ matterCode: '06010', districtCode: '330203' });
    // Each poll that stored posts left its event.
    expect((await eventsOf('opinion.feed.poll'))[0].n).toBe(3);
  });

  it('the same article through another feed is one post (dedup by link)', async () => {
    const all = [...(await postsAs('admin')), ...(await postsAs('admin', '&relevant=false'))];
    expect(all.filter((p) => p.link === 'https://bbs.example.cn/nb/thread-1001.html')).toHaveLength(1);
    expect(all.find((p) => p.guid.includes('wz-syndicated-001'))).toBeUndefined();
  });

  it('polls again with a conditional GET: 304, nothing new', async () => {
    asked.length = 0;
    const again = await pollNow('宁波论坛');
    expect(again).toMatchObject({ status: 'not_modified', newPosts: 0, error: null });
    expect(asked).toEqual([
      {
        path: '/nb-forum/rss.xml',
        ifNoneMatch: '"rss-v1"',
        ifModifiedSince: 'Fri, 20 Nov 2026 14:00:00 GMT',
      },
    ]);
    expect(again.feed.lastStatus).toBe('not_modified');
  });

  it('a feed without validators answers in full again: every item already seen, none stored twice', async () => {
    const before = (
      await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM opinion_post`)
    )[0].n;
    const res = await pollNow('宁波热线民声');
    expect(res).toMatchObject({ status: 'ok', newPosts: 0 });
    const after = (await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM opinion_post`))[0]
      .n;
    expect(after).toBe(before);
  });

  it('a changed feed brings only its new items', async () => {
    routes.set('/nb-forum/rss.xml', {
      ...routes.get('/nb-forum/rss.xml')!,
      body: () =>
        rss2([
          post('tieba-20261121-005', {
            title: '药行街路灯不亮好几天了',
            html: '<p>药行街晚上一片漆黑。</p>',
          }),
          ...posts(['tieba-20261120-001', 'tieba-20261120-003', 'tieba-20261120-004']),
        ]),
      validators: { etag: '"rss-v2"', lastModified: 'Sat, 21 Nov 2026 08:00:00 GMT' },
    });
    const res = await pollNow('宁波论坛');
    expect(res).toMatchObject({ status: 'ok', newPosts: 1 });
    expect((await postByGuid('tieba-20261121-005')).districtCode).toBe('330203');
  });
});

describe('hostile and failing feeds', () => {
  const hostile: [string, Served, RegExp][] = [
    [
      '/bad/laughs.xml',
      { type: 'application/xml', body: () => BILLION_LAUGHS },
      /^parse \(doctype_refused\)$/,
    ],
    ['/bad/deep.xml', { type: 'application/xml', body: () => deepNesting(50_000) }, /^parse \(too_deep\)$/],
    [
      '/bad/broken.xml',
      { type: 'application/xml', body: () => '<rss version="2.0"><channel><item>' },
      /^parse \(malformed\)$/,
    ],
    [
      '/bad/html',
      { type: 'text/html', body: () => '<html><body>hello</body></html>' },
      /^parse \(not_a_feed\)$/,
    ],
    [
      '/bad/huge.xml',
      { type: 'application/xml', body: () => Buffer.alloc(2 * 1024 * 1024, 0x20) },
      /^response_too_large$/,
    ],
    [
      '/bad/500',
      { type: 'text/plain', status: 500, body: () => 'internal secret stack trace' },
      /^HTTP 500 \(http_error\)$/,
    ],
    [
      '/bad/redirect',
      {
        type: 'text/plain',
        status: 302,
        headers: { location: 'http://169.254.169.254/' },
        body: () => '',
      },
      /^HTTP 302 \(redirect_not_followed\)$/,
    ],
  ];

  it.each(hostile)(
    '%s ends as a status with an error class; nothing stored, nothing echoed',
    async (path, served, error) => {
      routes.set(path, served);
      const name = `hostile ${path}`;
      await addFeed(name, path);
      const before = (
        await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM opinion_post`)
      )[0].n;
      const res = await pollNow(name);
      expect(res.status).toBe('error');
      expect(res.error).toMatch(error);
      expect(res.newPosts).toBe(0);
      expect(res.feed).toMatchObject({ lastStatus: 'error', failures: 1 });
      expect(JSON.stringify(res)).not.toContain('secret');
      // The next poll waits twice the interval after a failure.
      const wait = new Date(res.feed.nextPollAt).getTime() - new Date(res.feed.lastPolledAt).getTime();
      expect(wait).toBeGreaterThan(30 * 60_000);
      const after = (
        await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM opinion_post`)
      )[0].n;
      expect(after).toBe(before);
      // Disabled: the schedule leaves it alone.
      const disabled = await t
        .as(admin)
        .patch(`/api/opinion/feeds/${feedIds[name]}`, { version: res.feed.version, enabled: false });
      expect(disabled.statusCode, disabled.body).toBe(200);
    },
  );

  it('a feed that never answers ends at the deadline, and the server keeps answering', async () => {
    routes.set('/bad/hang', { type: 'application/xml', body: () => '', hang: true });
    await addFeed('hostile hang', '/bad/hang');
    const outcomes = await pollDue(deps(), {
      timeoutMs: 300,
      maxBytes: 1024 * 1024,
      leaseMs: 60_000,
      batchSize: 10,
    });
    expect(outcomes.find((o) => o.feedId === feedIds['hostile hang'])).toMatchObject({
      status: 'error',
      error: 'timeout',
    });
    expect((await t.as(admin).get('/api/opinion/feeds')).statusCode).toBe(200);
  });
});

describe('the moderation queue and who sees it', () => {
  it('a district sees the posts of its district; the city all; units none', async () => {
    const hs = await postsAs('haishu.acceptor');
    expect(hs.length).toBeGreaterThan(0);
    expect(new Set(hs.map((p) => p.districtCode))).toEqual(new Set(['330203']));
    const jb = await postsAs('jiangbei.acceptor');
    expect(jb.map((p) => p.guid)).toEqual(['tieba-20261120-003']);
    // The unplaced post is the city's alone.
    expect((await postsAs('jiangbei.acceptor', '&relevant=false')).map((p) => p.guid)).not.toContain(
      'tieba-20261120-004',
    );
    const unit = await t.as(await t.login('unit.haishu-sanitation')).get('/api/opinion/posts');
    expect(unit.statusCode).toBe(403);
    const inspector = await t.as(await t.login('haishu.inspector')).get('/api/opinion/posts');
    expect(inspector.statusCode).toBe(403);
  });

  it('another district can neither read nor decide on a post', async () => {
    const p = await postByGuid('tieba-20261120-002', 'haishu.acceptor');
    const jb = await t.login('jiangbei.acceptor');
    const eventsBefore = (await t.database.query<{ n: number }>(sql`SELECT max(id)::int AS n FROM event`))[0]
      .n;
    expect((await t.as(jb).get(`/api/opinion/posts/${p.id}`)).statusCode).toBe(404);
    expect((await t.as(jb).get(`/api/opinion/posts/${p.id}/candidates`)).statusCode).toBe(404);
    for (const [action, body] of [
      ['dismiss', { version: p.version, reason: '不是本区的' }],
      ['report', { version: p.version, matterCode: '06010' }],
      ['link', { version: p.version, caseId: randomUUID() }],
    ] as const) {
      const res = await t.as(jb).post(`/api/opinion/posts/${p.id}/${action}`, body);
      expect(res.statusCode, `${action}: ${res.body}`).toBe(404);
    }
    const eventsAfter = (await t.database.query<{ n: number }>(sql`SELECT max(id)::int AS n FROM event`))[0]
      .n;
    expect(eventsAfter).toBe(eventsBefore);
    expect((await postByGuid('tieba-20261120-002')).state).toBe('new');
  });

  it('an acceptor turns a post into a report on the channel opinion; the duplicate check applies', async () => {
    const hs = await t.login('haishu.acceptor');
    const p = await postByGuid('tieba-20261120-002', 'haishu.acceptor');
    expect(p.actions).toEqual(['report', 'dismiss', 'link']);
    // A description given says something: blank words are refused, not replaced by the post's.
    const blank = await t.as(hs).post(`/api/opinion/posts/${p.id}/report`, {
      version: p.version,
      matterCode: '06010',
      description: '  \u200b ',
    });
    expect(blank.statusCode, blank.body).toBe(400);
    expect(blank.json().error.details[0].field).toBe('body.description');
    expect((await postByGuid('tieba-20261120-002')).state).toBe('new');
    const res = await t.as(hs).post(`/api/opinion/posts/${p.id}/report`, {
      version: p.version,
      matterCode: '06010',
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ merged: false, post: { state: 'reported', actions: [] } });
    expect(body.post.caseCode).toBe(body.caseCode);
    const c = (await t.as(hs).get(`/api/cases/${body.caseId}`)).json().case;
    expect(c).toMatchObject({
      channel: 'opinion',
      matterCode: '06010',
      state: 'reported',
      districtCode: '330203',
    });
    expect(c.description).toContain('【网络舆情·甬城问政（海曙）】天一广场附近暴露垃圾没人清理');
    expect(c.description).toContain('来源：https://bbs.example.cn/nb/thread-1002.html');
    expect(c.address).toBe('天一广场');
    // Decided once: again → the state refuses; a stale version → 409.
    const again = await t.as(hs).post(`/api/opinion/posts/${p.id}/report`, { version: p.version + 1 });
    expect(again.statusCode).toBe(422);
    const stale = await t.as(hs).post(`/api/opinion/posts/${p.id}/report`, { version: p.version });
    expect(stale.statusCode).toBe(409);

    // Another post about the same place, in words that name no type (not linked by itself);
    // the acceptor names the type, and the report joins that case (intake's duplicate check).
    routes.set('/wenzheng/atom.xml', {
      ...routes.get('/wenzheng/atom.xml')!,
      body: () =>
        atom([
          post('wz-002', {
            title: '天一广场东门那边还是老样子',
            html: '<p>天一广场东门那边还是老样子，没人来管。</p>',
          }),
        ]),
    });
    expect((await pollNow('甬城问政（海曙）')).newPosts).toBe(1);
    const dup = await postByGuid('wz-002', 'haishu.acceptor');
    expect(dup).toMatchObject({ state: 'new', matterCode: null, relevant: true });
    const merged = await t.as(hs).post(`/api/opinion/posts/${dup.id}/report`, {
      version: dup.version,
      matterCode: '06010',
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ merged: true, caseId: body.caseId });
  });

  it('a post without a place needs a point; outside the district it is refused', async () => {
    routes.set('/minsheng/feed.json', {
      ...routes.get('/minsheng/feed.json')!,
      body: () =>
        jsonFeed([
          post('ms-noplace', { title: '小区门口暴露垃圾', html: '<p>我家小区门口有暴露垃圾。</p>' }),
        ]),
    });
    expect((await pollNow('宁波热线民声')).newPosts).toBe(1);
    const p = await postByGuid('ms-noplace');
    expect(p).toMatchObject({ place: null, districtCode: null, relevant: true });
    // Unplaced and from a city feed: the city's; 海曙 does not see it.
    expect((await postsAs('haishu.acceptor')).map((x) => x.guid)).not.toContain('ms-noplace');
    const city = await t.login('admin');
    const noPoint = await t.as(city).post(`/api/opinion/posts/${p.id}/report`, { version: p.version });
    expect(noPoint.statusCode).toBe(400);
    expect(noPoint.json().error.details[0].field).toBe('body.location');
    const where = await placeOf('开明街');
    const ok = await t.as(city).post(`/api/opinion/posts/${p.id}/report`, {
      version: p.version,
      location: { lng: where.point.lng + 0.003, lat: where.point.lat, crs: 'wgs84' },
      description: '小区门口暴露垃圾（网络舆情，位置经电话核实）',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // A district acceptor reports only in the district: a point in 江北 for a 海曙 post is refused.
    const lamp = await postByGuid('tieba-20261121-005', 'haishu.acceptor');
    const outside = await t
      .as(await t.login('haishu.acceptor'))
      .post(`/api/opinion/posts/${lamp.id}/report`, {
        version: lamp.version,
        location: { ...(await placeOf('中马路')).point, crs: 'wgs84' },
      });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.code).toBe('OUTSIDE_SCOPE');
    expect((await postByGuid('tieba-20261121-005')).state).toBe('new');
  });

  it('a shift leader dismisses and links but does not report; dismissal keeps the reason', async () => {
    const leader = await t.login('haishu.shift_leader');
    const p = await postByGuid('ms-001', 'haishu.shift_leader');
    expect(p.actions).toEqual(['dismiss', 'link']);
    const report = await t.as(leader).post(`/api/opinion/posts/${p.id}/report`, { version: p.version });
    expect(report.statusCode).toBe(403);
    const shortReason = await t
      .as(leader)
      .post(`/api/opinion/posts/${p.id}/dismiss`, { version: p.version, reason: '' });
    expect(shortReason.statusCode).toBe(400);
    // White space and invisible characters are no reason either (they were stored as '').
    for (const reason of ['   ', '\u200b\u200b\u200b', ' 。']) {
      const blank = await t
        .as(leader)
        .post(
          `/api/opinion/posts/${p.id}/dismiss`,
          { version: p.version, reason },
          { 'accept-language': 'en' },
        );
      expect(blank.statusCode, JSON.stringify(reason)).toBe(400);
      expect(blank.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'body.reason' }],
      });
      expect(blank.json().error.message).toContain('at least 2 visible characters');
    }
    expect((await postByGuid('ms-001', 'haishu.shift_leader')).state).toBe('new');
    const res = await t
      .as(leader)
      .post(`/api/opinion/posts/${p.id}/dismiss`, { version: p.version, reason: '已有市民热线上报，重复' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      state: 'dismissed',
      reason: '已有市民热线上报，重复',
      decidedByName: '海曙区值班长',
      actions: [],
    });
    expect((await postsAs('haishu.acceptor', '&state=dismissed')).map((x) => x.guid)).toContain('ms-001');
  });
});

describe('posts about open cases', () => {
  let caseId = '';

  it('links a post by itself when it names the type and the place of an open case', async () => {
    const hs = await t.login('haishu.acceptor');
    const where = await placeOf('中山西路');
    const r = await t.as(hs).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '中山西路污水井盖破损，市民来电',
      location: { lng: where.point.lng, lat: where.point.lat, crs: 'wgs84' },
      matterCode: '01002',
    });
    expect(r.statusCode, r.body).toBe(201);
    caseId = r.json().case.id;
    routes.set('/nb-forum/rss.xml', {
      ...routes.get('/nb-forum/rss.xml')!,
      validators: { etag: '"rss-v3"', lastModified: 'Sun, 22 Nov 2026 08:00:00 GMT' },
      body: () =>
        rss2([
          post('tieba-20261122-006', {
            title: '中山西路污水井盖到现在还没修',
            html: '<p>中山西路的污水井盖还是坏的，市民已经打过热线了。</p>',
          }),
          // The type alone, no place: never linked by itself.
          post('tieba-20261122-007', { title: '污水井盖坏了', html: '<p>我们这边的污水井盖坏了。</p>' }),
        ]),
    });
    const polled = await pollNow('宁波论坛');
    expect(polled).toMatchObject({ status: 'ok', newPosts: 2, linked: 1 });
    const linked = await postByGuid('tieba-20261122-006', 'haishu.acceptor');
    expect(linked).toMatchObject({ state: 'linked', caseId, autoLinked: true, actions: ['unlink'] });
    expect(linked.caseCode).toMatch(/^330203-/);
    expect((await postByGuid('tieba-20261122-007')).state).toBe('new');
    expect((await eventsOf('opinion.post.auto_link'))[0].n).toBe(1);
  });

  it('an acceptor undoes a wrong link, finds the case among the candidates and links by hand', async () => {
    const hs = await t.login('haishu.acceptor');
    const p = await postByGuid('tieba-20261122-006', 'haishu.acceptor');
    const unlinked = await t
      .as(hs)
      .post(`/api/opinion/posts/${p.id}/unlink`, { version: p.version, reason: '核对一下' });
    expect(unlinked.statusCode, unlinked.body).toBe(200);
    expect(unlinked.json()).toMatchObject({ state: 'new', caseId: null, autoLinked: false });
    const candidates = (await t.as(hs).get(`/api/opinion/posts/${p.id}/candidates`)).json();
    expect(candidates.radiusM).toBe(500);
    expect(candidates.items.map((c: { case: { id: string } }) => c.case.id)).toContain(caseId);
    // 江北's staff get nothing of it; a case they cannot open cannot be linked either.
    const jbCase = await t.as(await t.login('jiangbei.acceptor')).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '江北的污水井盖',
      location: { ...(await placeOf('中马路')).point, crs: 'wgs84' },
      matterCode: '01002',
    });
    const foreign = await t.as(hs).post(`/api/opinion/posts/${p.id}/link`, {
      version: unlinked.json().version,
      caseId: jbCase.json().case.id,
    });
    expect(foreign.statusCode).toBe(422);
    const link = await t
      .as(hs)
      .post(`/api/opinion/posts/${p.id}/link`, { version: unlinked.json().version, caseId });
    expect(link.statusCode, link.body).toBe(200);
    expect(link.json()).toMatchObject({
      state: 'linked',
      caseId,
      autoLinked: false,
      decidedByName: '海曙区受理员',
    });
  });
});

describe('the order of the queue', () => {
  it('undated posts take the time they were first fetched, among the dated ones by their date; ties by id', async () => {
    await addFeed('顺序测试源', '/order/rss.xml');
    const feedId = feedIds.顺序测试源;
    const at = (hhmm: string) => `2026-01-10T${hhmm}:00+08:00`;
    // [title, published, fetched]: A and D were fetched with B in one poll at 12:00, C alone at
    // 11:00, E and F together at 09:00 without a date.
    const rows: [string, string | null, string][] = [
      ['A', at('10:00'), at('12:00')],
      ['B', null, at('12:00')],
      ['C', null, at('11:00')],
      ['D', at('11:30'), at('12:00')],
      ['E', null, at('09:00')],
      ['F', null, at('09:00')],
    ];
    const ids: Record<string, string> = {};
    for (const [title, published, fetched] of rows) {
      const [r] = await t.database.query<{ id: string }>(sql`
        INSERT INTO opinion_post (feed_id, dedup_key, guid, title, text, relevant, published_at, fetched_at)
        VALUES (${feedId}, ${`order-${title}-${randomUUID()}`}, ${`order-${title}`}, ${`顺序${title}`}, '测试',
                true, ${published}::timestamptz, ${fetched}::timestamptz)
        RETURNING id`);
      ids[title] = r.id;
    }
    const [e, f] = [ids.E, ids.F].sort().reverse();
    const expected = [ids.B, ids.D, ids.C, ids.A, e, f];
    for (let i = 0; i < 3; i++) {
      const list = await postsAs('admin', `&feedId=${feedId}`);
      expect(list.map((p) => p.id)).toEqual(expected);
    }
    // Page by page, the same order.
    const paged: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await t.as(admin).get(`/api/opinion/posts?feedId=${feedId}&pageSize=2&page=${page}`);
      paged.push(...res.json().items.map((p: { id: string }) => p.id));
    }
    expect(paged).toEqual(expected);
  });
});
