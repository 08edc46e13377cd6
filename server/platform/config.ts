/**
 * Configuration from the environment. Values a city would change at run time (time limits,
 * routing, weights) live in the database; only process-level settings are read here.
 */
import os from 'node:os';
import path from 'node:path';
import { parseAllowList } from './allow-list.ts';
import { type MqttConfig, parseMqttConfig } from './mqtt.ts';
import { type NatsConfig, parseNatsConfig } from './nats.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; undefined means embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  demoPassword: string;
  /** Seed the demo city on first start. */
  seedDemo: boolean;
  sessionTtlHours: number;
  /**
   * How long a node keeps a resolved session or API key without reading it again: the longest a
   * revocation whose event the node missed can go unnoticed (events normally drop it within a
   * second). 0 turns the cache off.
   */
  authCacheTtlSeconds: number;
  /** Sessions and API keys a node keeps at most (the oldest go first). */
  authCacheMaxEntries: number;
  /** Failed logins in a row from one source address to one account before that pair is held back (0: never). */
  loginMaxFailures: number;
  /** The first hold of such a pair; each further failure doubles it, up to a day. */
  loginLockMinutes: number;
  /** Login attempts allowed per source address per minute, over all nodes (0: no limit). */
  loginRateLimitPerMinute: number;
  bodyLimitBytes: number;
  cookieSecure: boolean;
  logLevel: string;
  /**
   * Which peers may tell us the client's address (X-Forwarded-For): false (none, the default),
   * a list of proxy addresses/CIDR blocks, or true (every hop — only safe behind a proxy that
   * overwrites the header). Passed to Fastify's `trustProxy`.
   */
  trustProxy: boolean | string[];
  /**
   * Addresses and CIDR blocks (IPv4/IPv6) that may read /metrics without a credential; empty
   * means only API keys and sessions with `metrics:read` may (platform/allow-list.ts).
   */
  metricsAllow: string[];
  /**
   * Internal addresses and CIDR blocks outbound calls (units' endpoints) may reach besides public
   * ones; empty (the default) means public addresses only (platform/outbound.ts).
   */
  outboundAllow: string[];
  /** Rows the case list's .xlsx export holds at most; more is refused, asking for a narrower filter. */
  exportMaxRows: number;
  /** Largest base map archive (.pmtiles) an administrator may upload, in bytes. */
  basemapMaxBytes: number;
  /**
   * Open311 GeoReport v2 calls per source address per minute on one node, all its routes together
   * (then 429 with Retry-After); 0: no limit.
   */
  open311RateLimitPerMinute: number;
  /** The `jurisdiction_id` values Open311 answers to (this city); any other is 404. */
  open311JurisdictionIds: string[];
  /** How often the status of a case forwarded to a department's Open311 server is read again. */
  open311PollSeconds: number;
  /**
   * The MQTT broker the sensors' telemetry comes through (platform/mqtt.ts); `url` undefined (no
   * MQTT_URL) means this node runs no sensor listener.
   */
  mqtt: MqttConfig;
  /**
   * The TCP port of this node's JT/T 808 gateway for vehicle terminals (modules/gps); 0: this node
   * runs none (another may).
   */
  jt808Port: number;
  /**
   * NATS JetStream (platform/nats.ts): with NATS_URL the gateways publish positions to a stream and
   * every node's writer stores them (several gateways behind a TCP load balancer); without, each
   * node writes what its own gateway receives.
   */
  nats: NatsConfig;
  /**
   * The public portal's throttles (modules/portal): reports sent per source address per hour and
   * other portal requests per source address per minute (per node, before the body is read);
   * reports giving one phone number per 24 hours (counted in the database, over all nodes).
   * 0 turns one off.
   */
  portalReportsPerHour: number;
  portalRequestsPerMinute: number;
  portalReportsPerPhonePerDay: number;
}

export const DEFAULT_PORT = 8600;
export const DEFAULT_JT808_PORT = 8608;
export const DEFAULT_DEMO_PASSWORD = 'cityops2026';
/** Loopback only: Prometheus on the same host (or through a tunnel) scrapes without a key. */
export const DEFAULT_METRICS_ALLOW = '127.0.0.1/8,::1';
/** The reference city's web domain (the spec's suggestion) and its division code. */
export const DEFAULT_OPEN311_JURISDICTION = 'ningbo.gov.cn,330200';

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  // A typo must stop the start, not silently turn a switch off (or on).
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/**
 * TRUST_PROXY: unset/false → trust no proxy; comma-separated proxy addresses or CIDR blocks →
 * believe X-Forwarded-For only from those peers (the recommended form behind a reverse proxy);
 * true → trust every hop. With `true`, a client can write its own X-Forwarded-For and pick the
 * address the login rate limit and the audit trail see. A bare hop count is refused: Fastify
 * cannot check the peer with it and ignores the header (fail closed), which would silently log
 * the proxy's address for every client.
 */
export function parseTrustProxy(raw: string | undefined): boolean | string[] {
  const text = (raw ?? '').trim();
  const lower = text.toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (/^\d+$/.test(text)) {
    throw new Error(
      `TRUST_PROXY: a hop count ("${text}") cannot be checked; give the reverse proxy's address or CIDR block (e.g. 10.0.0.5 or 10.0.0.0/24)`,
    );
  }
  return parseAllowList('TRUST_PROXY', text, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', DEFAULT_PORT),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demoPassword: env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD,
    seedDemo: bool(env, 'SEED_DEMO', true),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 12),
    authCacheTtlSeconds: int(env, 'AUTH_CACHE_TTL_SECONDS', 30),
    authCacheMaxEntries: int(env, 'AUTH_CACHE_MAX_ENTRIES', 10_000),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5),
    loginLockMinutes: int(env, 'LOGIN_LOCK_MINUTES', 15),
    loginRateLimitPerMinute: int(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 30),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    cookieSecure: bool(env, 'COOKIE_SECURE', false),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    metricsAllow: parseAllowList('METRICS_ALLOW', env.METRICS_ALLOW, DEFAULT_METRICS_ALLOW),
    outboundAllow: parseAllowList('OUTBOUND_ALLOW', env.OUTBOUND_ALLOW, 'none'),
    exportMaxRows: int(env, 'EXPORT_MAX_ROWS', 100_000),
    basemapMaxBytes: int(env, 'BASEMAP_MAX_BYTES', 4 * 1024 ** 3),
    open311RateLimitPerMinute: int(env, 'OPEN311_RATE_LIMIT_PER_MINUTE', 120),
    open311JurisdictionIds: (env.OPEN311_JURISDICTION_ID || DEFAULT_OPEN311_JURISDICTION)
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    open311PollSeconds: Math.max(1, int(env, 'OPEN311_POLL_SECONDS', 300)),
    mqtt: parseMqttConfig(env, { int, bool, hostname: os.hostname() }),
    jt808Port: int(env, 'JT808_PORT', DEFAULT_JT808_PORT),
    nats: parseNatsConfig(env),
    portalReportsPerHour: int(env, 'PORTAL_REPORTS_PER_HOUR', 20),
    portalRequestsPerMinute: int(env, 'PORTAL_REQUESTS_PER_MINUTE', 120),
    portalReportsPerPhonePerDay: int(env, 'PORTAL_REPORTS_PER_PHONE_PER_DAY', 5),
  };
}
