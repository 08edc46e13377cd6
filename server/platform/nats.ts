/**
 * The NATS transport (JetStream): its configuration from the environment and the connection. Like
 * DATABASE_URL and MQTT_URL, the server is the operator's (NATS_URL), never a URL a user typed, so
 * the outbound rules for users' URLs (outbound.ts) do not apply; what is checked is that it names
 * NATS servers (nats://, tls:// — comma-separated for a cluster) without credentials in them.
 *
 * What travels over it today: the GPS positions between the JT/T 808 gateways and the writers
 * (modules/gps `position-stream.ts`), so that gateways can run on several machines behind a TCP
 * load balancer. Without NATS_URL every node writes what its own gateway receives.
 */
import { connect, type NatsConnection } from 'nats';

export interface NatsConfig {
  /** nats://host:4222[,nats://…]; undefined: no NATS, positions are written directly. */
  servers: string[] | undefined;
  user: string | undefined;
  pass: string | undefined;
  token: string | undefined;
  /**
   * Prefix of this platform's stream and subject names (`CITYOPS` → stream `CITYOPS_GPS`, subject
   * `cityops.gps.positions`): two platforms on one NATS server keep apart with different ones.
   */
  prefix: string;
}

const PREFIX = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

export function parseNatsConfig(env: NodeJS.ProcessEnv): NatsConfig {
  const raw = env.NATS_URL?.trim() || undefined;
  let servers: string[] | undefined;
  if (raw) {
    servers = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const s of servers) {
      let parsed: URL;
      try {
        parsed = new URL(s);
      } catch {
        throw new Error(`NATS_URL must be URLs such as nats://127.0.0.1:4222, got "${s}"`);
      }
      if (parsed.protocol !== 'nats:' && parsed.protocol !== 'tls:') {
        throw new Error(`NATS_URL must start with nats:// or tls://, got "${parsed.protocol}//"`);
      }
      if (parsed.username || parsed.password) {
        // Credentials in the URL end up in logs and process listings; they have their own variables.
        throw new Error('NATS_URL must not hold credentials: use NATS_USER/NATS_PASS or NATS_TOKEN');
      }
    }
  }
  const prefix = env.NATS_PREFIX?.trim() || 'CITYOPS';
  if (!PREFIX.test(prefix)) {
    throw new Error(`NATS_PREFIX must be a letter then letters, digits or _ (at most 32), got "${prefix}"`);
  }
  return {
    servers,
    user: env.NATS_USER || undefined,
    pass: env.NATS_PASS || undefined,
    token: env.NATS_TOKEN || undefined,
    prefix,
  };
}

/**
 * Opens the connection (reconnecting for ever while the servers are down: a gateway waits for the
 * stream rather than dropping positions; its terminals are not answered meanwhile and resend).
 */
export function connectNats(config: NatsConfig, name: string): Promise<NatsConnection> {
  if (!config.servers) throw new Error('connectNats: no NATS_URL');
  return connect({
    servers: config.servers,
    name,
    user: config.user,
    pass: config.pass,
    token: config.token,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 2000,
  });
}
