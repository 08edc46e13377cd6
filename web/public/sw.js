/*
 * Service worker of the field apps (/m/, inspectors and unit handlers). Plain JS, no CDN, no library.
 *
 * - Scope `/m/` (not `/m`, which would also take the desktop app's `/map…` pages). The server
 *   redirects `/m` to `/m/`. A worker still registered under the old scope `/m` unregisters
 *   itself when this version reaches it, and the page unregisters it too (sw-register.ts).
 * - The caches carry the build's id (stamped into this file by the Vite build, web/vite.config.ts):
 *   a new build installs a new worker, whose `activate` deletes the caches of every older build.
 *   Photo thumbnails are content-addressed, so they are kept across builds (the oldest trimmed).
 * - The app shell (the /m/ page, its hashed scripts and styles, the manifest and icons) is cached
 *   when the worker installs; the page also sends the assets it loaded (lazy chunks) to be cached.
 * - /assets/* (content-hashed by Vite): cache first, stored on first fetch.
 * - Navigations to /m/...: network first (a new build is picked up at once), the cached shell
 *   when there is no network.
 * - Photo thumbnails (/api/photos/<sha256>/thumb, immutable): cache first.
 * - Everything else — the API in particular — is not touched: reports and actions made offline go
 *   to the app's own outbox (IndexedDB), never to a cache.
 */
const BUILD = '__CITYOPS_BUILD__';
const PREFIX = 'cityops-';
const SHELL = `cityops-m-shell-${BUILD}`;
const ASSETS = `cityops-m-assets-${BUILD}`;
const PHOTOS = 'cityops-photos';
const PHOTOS_KEPT = 300;
const SCOPE_PATH = '/m/';
const SHELL_URL = '/m/';
const STATIC = [
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/icons/icon.svg',
];

/** False in a worker left registered under an older scope (`/m`): it only unregisters itself. */
const inScope = new URL(self.registration.scope).pathname === SCOPE_PATH;

const isMobilePath = (p) => p.startsWith(SCOPE_PATH);

/** The hashed files the shell page references (scripts, styles, preloads). */
function assetsOf(html) {
  const out = new Set();
  for (const m of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) out.add(m[1]);
  return [...out];
}

async function cacheShell() {
  const res = await fetch(SHELL_URL, { cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) throw new Error(`shell answered ${res.status}`);
  const html = await res.clone().text();
  const shell = await caches.open(SHELL);
  await shell.put(SHELL_URL, res);
  await shell.addAll(STATIC).catch(() => undefined);
  const assets = await caches.open(ASSETS);
  await Promise.all(
    assetsOf(html).map(async (url) => {
      if (!(await assets.match(url))) await assets.add(url).catch(() => undefined);
    }),
  );
}

self.addEventListener('install', (event) => {
  if (!inScope) {
    self.skipWaiting();
    return;
  }
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

/** Keeps the newest thumbnails only (a cache lists its entries in the order they were stored). */
async function trimPhotos() {
  const cache = await caches.open(PHOTOS);
  const keys = await cache.keys();
  for (const req of keys.slice(0, Math.max(0, keys.length - PHOTOS_KEPT))) await cache.delete(req);
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      if (!inScope) {
        await self.registration.unregister();
        return;
      }
      // Every cache of an older build (and of the unversioned first release) goes.
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== SHELL && name !== ASSETS && name !== PHOTOS)
          await caches.delete(name);
      }
      await trimPhotos();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data;
  if (!inScope || data?.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    (async () => {
      const assets = await caches.open(ASSETS);
      for (const u of data.urls) {
        let url;
        try {
          url = new URL(u, self.location.origin);
        } catch {
          continue;
        }
        if (url.origin !== self.location.origin || !url.pathname.startsWith('/assets/')) continue;
        if (!(await assets.match(url.pathname))) await assets.add(url.pathname).catch(() => undefined);
      }
    })(),
  );
});

async function cacheFirst(cacheName, request) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok && res.type === 'basic') await cache.put(request, res.clone());
  return res;
}

async function shellNetworkFirst(request) {
  try {
    const res = await fetch(request);
    if (res.ok && (res.headers.get('content-type') || '').includes('text/html')) {
      const cache = await caches.open(SHELL);
      await cache.put(SHELL_URL, res.clone());
    }
    return res;
  } catch (err) {
    const cached = await caches.match(SHELL_URL, { cacheName: SHELL });
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!inScope || request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (isMobilePath(url.pathname)) event.respondWith(shellNetworkFirst(request));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(ASSETS, request));
    return;
  }
  if (/^\/api\/photos\/[0-9a-f]{64}\/thumb$/.test(url.pathname)) {
    event.respondWith(cacheFirst(PHOTOS, request));
    return;
  }
  if (STATIC.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});
