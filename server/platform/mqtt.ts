/**
 * The MQTT transport (the sensors' telemetry): its configuration from the environment and the
 * connections to the broker. Like DATABASE_URL, the broker is the operator's (MQTT_URL), never a
 * URL a user typed, so the outbound rules for users' URLs (outbound.ts) do not apply; what is
 * checked is that it names an MQTT broker (mqtt:// or mqtts://) and that the TLS files exist.
 *
 * Connections speak MQTT 5 with a persistent session (clean start off, session expiry
 * MQTT_SESSION_EXPIRY_SECONDS) under a client id that is stable per node and connection: a
 * reading the broker handed to a connection that dropped before acknowledging it is handed
 * again when the connection comes back (the broker keeps the session), instead of being lost.
 *
 * `acknowledgeWhenHandled` acknowledges a QoS 1 message only when its handler has finished (the
 * sensors: when the reading's batch has committed), while the connection goes on reading the next
 * messages — up to `receiveMaximum` unacknowledged at a time, which the broker respects (MQTT 5
 * Receive Maximum) — so that many messages can be stored in one transaction. MQTT.js itself would
 * acknowledge each message when its handler returns and read the next only then (one message in
 * flight per connection); here its callback is told the message is not to be acknowledged (an
 * error: MQTT.js then sends no PUBACK and goes on), and the PUBACK is written once handled, in the
 * order the messages came (MQTT 5 §4.6), through MQTT.js's packet writer `_sendPacket` (internal:
 * checked at connect; platform/mqtt.test.ts and the sensors' integration test exercise it).
 */
import fs from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface MqttConfig {
  /** mqtt://host:1883 or mqtts://host:8883; undefined: no sensor listener on this node. */
  url: string | undefined;
  username: string | undefined;
  password: string | undefined;
  /** PEM files: the broker's CA, and this node's certificate and key for mutual TLS. */
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
  /** Refuse a broker whose certificate does not verify (true unless MQTT_TLS_INSECURE). */
  rejectUnauthorized: boolean;
  /** This node's client id; connection i connects as `<clientId>-<i>`. Stable across restarts. */
  clientId: string;
  /** Topics are `<topicPrefix>/{deviceId}/telemetry`. */
  topicPrefix: string;
  /** The shared-subscription group: the nodes of one platform split the telemetry between them. */
  shareGroup: string;
  /** Subscriber connections per node (the broker spreads the shared subscription over them). */
  connections: number;
  /** Unacknowledged messages a connection takes at a time (MQTT 5 Receive Maximum): the most a batch can gather from it. */
  receiveMaximum: number;
  /** How long the broker keeps a disconnected connection's session and its unacknowledged readings. */
  sessionExpirySeconds: number;
}

type Env = NodeJS.ProcessEnv;
interface Parsers {
  int(env: Env, name: string, fallback: number): number;
  bool(env: Env, name: string, fallback: boolean): boolean;
  hostname: string;
}

const TOPIC_LEVEL = /^[A-Za-z0-9_.-]+$/;

export function parseMqttConfig(env: Env, p: Parsers): MqttConfig {
  const url = env.MQTT_URL?.trim() || undefined;
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`MQTT_URL must be a URL such as mqtt://127.0.0.1:1883, got "${url}"`);
    }
    if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
      throw new Error(`MQTT_URL must start with mqtt:// or mqtts://, got "${parsed.protocol}//"`);
    }
    if (parsed.username || parsed.password) {
      // Credentials in the URL end up in logs and process listings; they have their own variables.
      throw new Error('MQTT_URL must not hold credentials: use MQTT_USERNAME and MQTT_PASSWORD');
    }
  }
  const prefix = (env.MQTT_TOPIC_PREFIX?.trim() || 'cityops/sensors').replace(/\/+$/, '');
  if (!prefix.split('/').every((level) => TOPIC_LEVEL.test(level))) {
    throw new Error(
      `MQTT_TOPIC_PREFIX must be topic levels of letters, digits, _ . - (no wildcards), got "${prefix}"`,
    );
  }
  const group = env.MQTT_SHARE_GROUP?.trim() || 'cityops';
  if (!TOPIC_LEVEL.test(group)) throw new Error(`MQTT_SHARE_GROUP must be one topic level, got "${group}"`);
  const clientId = env.MQTT_CLIENT_ID?.trim() || `cityops-${p.hostname}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  for (const name of ['MQTT_CA_FILE', 'MQTT_CERT_FILE', 'MQTT_KEY_FILE']) {
    const file = env[name];
    if (file && !fs.existsSync(file)) throw new Error(`${name}: no such file "${file}"`);
  }
  // Four by default: with Mosquitto's defaults a connection holds at most its Receive Maximum in
  // flight plus max_queued_messages (1,000) queued; past that the broker drops QoS 1 readings
  // (bench/results/sensors.md saw it at two connections). More connections, more headroom.
  const connections = p.int(env, 'MQTT_CONNECTIONS', 4);
  if (connections < 1 || connections > 64 || !Number.isInteger(connections)) {
    throw new Error(`MQTT_CONNECTIONS must be an integer from 1 to 64, got "${env.MQTT_CONNECTIONS}"`);
  }
  const receiveMaximum = p.int(env, 'MQTT_RECEIVE_MAXIMUM', 1000);
  if (receiveMaximum < 1 || receiveMaximum > 65535 || !Number.isInteger(receiveMaximum)) {
    throw new Error(
      `MQTT_RECEIVE_MAXIMUM must be an integer from 1 to 65535, got "${env.MQTT_RECEIVE_MAXIMUM}"`,
    );
  }
  return {
    url,
    username: env.MQTT_USERNAME || undefined,
    password: env.MQTT_PASSWORD || undefined,
    caFile: env.MQTT_CA_FILE || undefined,
    certFile: env.MQTT_CERT_FILE || undefined,
    keyFile: env.MQTT_KEY_FILE || undefined,
    rejectUnauthorized: !p.bool(env, 'MQTT_TLS_INSECURE', false),
    clientId,
    topicPrefix: prefix,
    shareGroup: group,
    connections,
    receiveMaximum,
    sessionExpirySeconds: p.int(env, 'MQTT_SESSION_EXPIRY_SECONDS', 3600),
  };
}

/** The largest MQTT packet a connection accepts: the broker drops larger ones for it. */
const MAX_PACKET_BYTES = 256 * 1024;

/**
 * Opens one connection to the broker (MQTT 5, persistent session, reconnecting every 2 s while
 * down). The caller subscribes and handles its messages; `client.end()` closes it.
 */
export function connectMqtt(config: MqttConfig, clientId: string): MqttClient {
  if (!config.url) throw new Error('connectMqtt: no MQTT_URL');
  const read = (file: string | undefined) => (file ? fs.readFileSync(file) : undefined);
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId,
    // Resume the session the broker kept (its subscriptions and unacknowledged readings).
    clean: false,
    properties: {
      sessionExpiryInterval: config.sessionExpirySeconds,
      maximumPacketSize: MAX_PACKET_BYTES,
      receiveMaximum: config.receiveMaximum,
    },
    username: config.username,
    password: config.password,
    ca: read(config.caFile),
    cert: read(config.certFile),
    key: read(config.keyFile),
    rejectUnauthorized: config.rejectUnauthorized,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    keepalive: 30,
    // The caller subscribes on every connection (sensors/listener.ts).
    resubscribe: false,
  };
  return mqtt.connect(config.url, options);
}

/** The shared subscription of this platform's nodes to every device's telemetry. */
export const telemetrySubscription = (config: Pick<MqttConfig, 'shareGroup' | 'topicPrefix'>) =>
  `$share/${config.shareGroup}/${config.topicPrefix}/+/telemetry`;

type PacketWriter = (
  packet: { cmd: 'puback'; messageId: number; reasonCode: number },
  cb?: () => void,
  cbStorePut?: undefined,
  noStore?: boolean,
) => void;

/** Tells MQTT.js not to acknowledge a message (its callback with an error sends no PUBACK). */
const NOT_YET = new Error('acknowledged once handled');

/**
 * Hands every message of `client` to `handler`; a QoS 1 message is acknowledged once the
 * handler's promise resolves, in the order the messages came, and never when it rejects or when
 * the connection has dropped since the message came (the broker sends it again on the resumed
 * session). Meanwhile the connection goes on reading (the broker stops at `receiveMaximum`
 * unacknowledged messages). QoS 0 and 2 messages are handled as MQTT.js does: one at a time.
 */
export function acknowledgeWhenHandled(
  client: MqttClient,
  handler: (topic: string, payload: Uint8Array) => Promise<void>,
): void {
  const write = (client as unknown as { _sendPacket?: PacketWriter })._sendPacket;
  if (typeof write !== 'function') {
    throw new Error(
      'MQTT.js has no packet writer (_sendPacket): this version cannot acknowledge after storing',
    );
  }
  let connection = 0;
  client.on('close', () => {
    connection++;
  });
  const waiting: { messageId: number; connection: number; settled: boolean; ok: boolean }[] = [];
  const flush = () => {
    while (waiting.length > 0 && waiting[0].settled) {
      const m = waiting.shift()!;
      if (m.ok && m.connection === connection && client.connected) {
        write.call(
          client,
          { cmd: 'puback', messageId: m.messageId, reasonCode: 0 },
          undefined,
          undefined,
          true,
        );
      }
    }
  };
  client.handleMessage = (packet, callback) => {
    const payload = packet.payload as Uint8Array;
    if (packet.qos !== 1 || packet.messageId === undefined) {
      handler(packet.topic, payload).then(
        () => callback(),
        (err: Error) => callback(err),
      );
      return;
    }
    const m = { messageId: packet.messageId, connection, settled: false, ok: false };
    waiting.push(m);
    handler(packet.topic, payload)
      .then(
        () => {
          m.ok = true;
        },
        () => {},
      )
      .finally(() => {
        m.settled = true;
        flush();
      });
    callback(NOT_YET);
  };
}
