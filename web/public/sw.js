/*
 * Service worker of the inspector's mobile app (/m). Plain JS, no CDN, no library.
 *
 * - The app shell (the /m page, its hashed scripts and styles, the manifest and icons) is cached
 *   when the worker installs; the page also sends the assets it loaded (lazy chunks) to be cached.
 * - /assets/* (content-hashed by Vite): cache first, stored on first fetch.
 * - Navigations to /m and /m/...: network first (a new build is picked up at once), the cached
 *   shell when there is no network.
 * - Photo thumbnails (/api/photos/<sha256>/thumb, immutable): cache first.
 * - Everything else — the API in particular — is not touched: reports and actions made offline go
 *   to the app's own outbox (IndexedDB), never to a cache.
 */
const VERSION = 'v1';
const SHELL = `cityops-m-shell-${VERSION}`;
const ASSETS = 'cityops-m-assets';
const PHOTOS = 'cityops-photos';
const SHELL_URL = '/m';
const STATIC = [
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
  '/icons/icon.svg',
];

const isMobilePath = (p) => p === '/m' || p.startsWith('/m/');

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
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('cityops-m-shell-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const data = event.data;
  if (data?.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
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
  if (request.method !== 'GET') return;
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
