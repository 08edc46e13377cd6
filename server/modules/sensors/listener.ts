/**
 * The MQTT side of the ingest: `connections` subscriber connections to the broker, each in the
 * shared subscription `$share/<group>/<prefix>/+/telemetry` at QoS 1, so the nodes of a platform
 * (and the connections of a node) split the telemetry between them.
 *
 * Acknowledged only once stored (platform/mqtt.ts `acknowledgeWhenHandled`): a message's PUBACK
 * goes out when the batch holding it has committed (ingest.ts), while each connection goes on
 * reading — up to MQTT_RECEIVE_MAXIMUM unacknowledged messages, which is what lets a batch gather
 * hundreds of readings. A message that could not be stored is not acknowledged; the broker keeps it
 * in the connection's persistent session and sends it again when the connection comes back. A
 * refused message (bad topic or payload, unknown or disabled device) is acknowledged: sending it
 * again would not make it better; it is counted and logged instead.
 */
import type { MqttClient } from 'mqtt';
import {
  acknowledgeWhenHandled,
  connectMqtt,
  type MqttConfig,
  telemetrySubscription,
} from '../../platform/mqtt.ts';
import type { SensorIngest } from './ingest.ts';

export interface ListenerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ListenerStatus {
  url: string;
  subscription: string;
  connections: number;
  connected: number;
  clientId: string;
}

/** The URL without anything secret (the config refuses credentials in it; a path or query is dropped too). */
const safeUrl = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

export class SensorListener {
  private clients: MqttClient[] = [];
  private lastErrorLog = 0;

  constructor(
    private readonly config: MqttConfig,
    private readonly ingest: SensorIngest,
    private readonly log: ListenerLog,
  ) {}

  /** Connects every connection; resolves when each has connected once or failed its first attempt. */
  async start(): Promise<void> {
    const topic = telemetrySubscription(this.config);
    const firsts: Promise<void>[] = [];
    for (let i = 0; i < this.config.connections; i++) {
      const client = connectMqtt(this.config, `${this.config.clientId}-${i}`);
      acknowledgeWhenHandled(client, (topic, payload) => this.ingest.submit(topic, payload));
      client.on('connect', () => {
        // On every (re)connection: a resumed session keeps its subscription and subscribing again
        // changes nothing; a new session (expired, or a broker restarted without persistence) gets it.
        client.subscribe(topic, { qos: 1 }, (err) => {
          if (err) this.log.error({ err, topic }, 'MQTT subscribe failed');
        });
      });
      client.on('error', (err) => {
        const now = Date.now();
        if (now - this.lastErrorLog > 10_000) {
          this.lastErrorLog = now;
          this.log.warn(
            { err: { message: err.message, code: (err as { code?: unknown }).code } },
            'MQTT connection error',
          );
        }
      });
      firsts.push(
        new Promise<void>((resolve) => {
          client.once('connect', () => resolve());
          client.once('error', () => resolve());
          client.once('close', () => resolve());
        }),
      );
      this.clients.push(client);
    }
    await Promise.all(firsts);
    this.log.info(
      {
        url: safeUrl(this.config.url!),
        topic,
        connections: this.config.connections,
        connected: this.connected(),
      },
      'sensor listener started',
    );
  }

  connected(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  status(): ListenerStatus {
    return {
      url: safeUrl(this.config.url!),
      subscription: telemetrySubscription(this.config),
      connections: this.clients.length,
      connected: this.connected(),
      clientId: this.config.clientId,
    };
  }

  /**
   * Stops: the ingest finishes the batch it is writing (those readings are acknowledged) and
   * refuses the rest (not acknowledged: the broker keeps them for the sessions), then every
   * connection closes.
   */
  async stop(): Promise<void> {
    await this.ingest.stop();
    const clients = this.clients.splice(0);
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => c.end(true, {}, () => resolve()), 2000);
            c.end(false, {}, () => {
              clearTimeout(force);
              resolve();
            });
          }),
      ),
    );
  }
}
