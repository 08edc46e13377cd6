/**
 * What every answer owes a browser: security headers, and the CSRF guard on writes.
 *
 * Headers (set before any handler, so error answers carry them too; a route may replace its CSP):
 * - `Content-Security-Policy`, by path: the web client (HTML and its static files) gets `APP_CSP`;
 *   the API docs (`/api/docs`, swagger-ui) get `DOCS_CSP`; every API answer (`/api`, `/ogc`,
 *   `/tiles`, `/open311`, health and metrics) gets `API_CSP`, which lets nothing load or run, since an API
 *   answer is data, never a page. Photos set their own sandbox policy (cases/photos.ts).
 * - `X-Content-Type-Options: nosniff` (a file is what its type says, never sniffed into HTML or
 *   script), `X-Frame-Options: DENY` for browsers without `frame-ancestors`, `Referrer-Policy:
 *   same-origin`, and a `Permissions-Policy` that gives geolocation and the camera (the mobile
 *   app's report form) to this site only and other powerful features to nobody.
 *
 * Scripts: `'self'` only. The HTML has no inline script (web/index.html has no inline anything),
 * the bundles use no eval, and whatever else this origin serves is either a JS file we built or
 * data with a non-script type under `nosniff` — photos, uploaded by anyone, also get a sandbox.
 * Styles: `'self' 'unsafe-inline'`, deliberately. antd's CSS-in-JS writes `<style>` elements at
 * run time and antd, rc-components and MapLibre set `style` attributes; antd could carry a
 * per-answer nonce, but rc-component's scrollbar measurement (every table) inserts a `<style>`
 * with no way to pass one, and attributes cannot carry one at all. What inline style would give
 * an attacker who managed to inject markup is small here: no script (script-src stays strict),
 * and no way out — CSS can only request images and fonts, and img-src / font-src / connect-src
 * are this site (plus data:/blob:), so the selector tricks that read attribute values have
 * nowhere to send them. The client renders no HTML strings (no dangerouslySetInnerHTML).
 *
 * Online base map tiles (basemap module): when the city has chosen 天地图 or another raster tile
 * service, the browser fetches those tiles itself, so the web client's img-src and connect-src
 * add exactly those origins (`mapOrigins`, read on every answer; nothing otherwise: an offline
 * base map comes from this server). The Referrer-Policy then becomes
 * `strict-origin-when-cross-origin`: 天地图 checks a browser key against the domains it was
 * issued for by the Referer, and that policy sends those hosts our origin only, never a path.
 *
 * CSRF (`installWebSecurity`): the session cookie is ambient authority, so a write
 * (POST/PUT/PATCH/DELETE) that carries it must prove it comes from this site's own pages:
 * `Sec-Fetch-Site: same-origin`, or else an `Origin` equal to this server's origin. A write
 * with an `Authorization` header is not cookie-authenticated (the auth hook then ignores the
 * cookie, identity/auth-hook.ts `credentialOf`) and passes: bearer tokens and API keys are sent
 * on purpose. A write without a cookie passes too unless the browser says it is cross-site —
 * that refuses login CSRF (another site signing a victim into the attacker's account) while
 * scripts and other non-browser clients, which send no Origin, keep logging in. The guard runs
 * before body parsing, so a refused multipart upload is never read.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import type { App } from './types.ts';

const policy = (directives: Record<string, string>) =>
  Object.entries(directives)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');

/**
 * The web client's policy: its HTML, its static files and so its service worker and map workers.
 * `mapOrigins`: the online base map's tile origins (https://t0.tianditu.gov.cn …), when chosen.
 */
export const appCsp = (mapOrigins: readonly string[] = []) => {
  const extra = mapOrigins.length ? ` ${mapOrigins.join(' ')}` : '';
  return policy({
    'default-src': "'self'",
    'script-src': "'self'",
    'style-src': "'self' 'unsafe-inline'",
    // data: for antd's and MapLibre's inline icons; blob: for photo previews before upload.
    'img-src': `'self' data: blob:${extra}`,
    'font-src': "'self' data:",
    // MapLibre fetches raster tiles (and our own vector tiles and archives) with fetch().
    'connect-src': `'self'${extra}`,
    // MapLibre starts its workers from our own file, or from a blob: URL wrapping it (cross-origin
    // or sandboxed pages); child-src for browsers that predate worker-src. Frames: none.
    'worker-src': "'self' blob:",
    'child-src': "'self' blob:",
    'frame-src': "'none'",
    'manifest-src': "'self'",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'self'",
    'frame-ancestors': "'none'",
  });
};

/** The policy without an online base map. */
export const APP_CSP = appCsp();

/** swagger-ui: scripts and styles from files, but it styles through inline `<style>` too. */
export const DOCS_CSP = policy({
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
});

/** API answers are data: nothing in them may load, run or be framed. */
export const API_CSP = policy({
  'default-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
});

export const PERMISSIONS_POLICY = 'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()';

const isApiPath = (url: string) =>
  /^\/(api|ogc|tiles|open311)(\/|$)/.test(url) || /^\/(healthz|readyz|metrics)$/.test(url);

/** The CSP an answer gets unless its route sets one (`mapOrigins`: the online base map's tiles). */
export function cspForPath(url: string, mapOrigins: readonly string[] = []): string {
  const path = url.split('?')[0];
  if (path === '/api/docs' || path.startsWith('/api/docs/')) return DOCS_CSP;
  if (isApiPath(path)) return API_CSP;
  return mapOrigins.length ? appCsp(mapOrigins) : APP_CSP;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Whether the browser says the request comes from this site: `same` (Sec-Fetch-Site:
 * same-origin, or an Origin equal to ours), `cross` (any other value of either) or `unknown`
 * (neither header: not a browser, or one too old to send Origin on a write).
 * Sec-Fetch-Site is the browser's own verdict and wins: it also holds behind a TLS-terminating
 * proxy that does not pass the scheme (TRUST_PROXY unset), where our idea of our origin is off.
 */
export function originVerdict(request: FastifyRequest): 'same' | 'cross' | 'unknown' {
  const site = header(request, 'sec-fetch-site');
  if (site !== undefined) return site === 'same-origin' ? 'same' : 'cross';
  const origin = header(request, 'origin');
  if (origin === undefined) return 'unknown';
  try {
    const own = new URL(`${request.protocol}://${request.host}`).origin;
    return new URL(origin).origin === own ? 'same' : 'cross';
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) and garbage are nobody's origin.
    return 'cross';
  }
}

export function installWebSecurity(
  app: App,
  opts: { sessionCookie: string; mapOrigins?: () => readonly string[] },
) {
  app.addHook('onRequest', async (request, reply) => {
    const mapOrigins = opts.mapOrigins?.() ?? [];
    reply.header('content-security-policy', cspForPath(request.url, mapOrigins));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', mapOrigins.length ? 'strict-origin-when-cross-origin' : 'same-origin');
    reply.header('permissions-policy', PERMISSIONS_POLICY);

    if (!WRITES.has(request.method)) return;
    // Bearer token or API key: the cookie is not used (credentialOf), nothing ambient to abuse.
    if (request.headers.authorization !== undefined) return;
    const verdict = originVerdict(request);
    if (verdict === 'same') return;
    const withCookie = request.cookies?.[opts.sessionCookie] !== undefined;
    if (verdict === 'cross' || withCookie) {
      const origin = header(request, 'origin');
      const site = header(request, 'sec-fetch-site');
      throw new AppError('CROSS_SITE_REQUEST', {
        details: [
          site !== undefined
            ? { field: 'headers.sec-fetch-site', message: site }
            : { field: 'headers.origin', message: origin ?? 'missing' },
        ],
      });
    }
  });
}
