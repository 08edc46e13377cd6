/**
 * For tests that go through the real MQTT broker: its address (Mosquitto on 127.0.0.1:1883, as on
 * the development and CI machines; MQTT_TEST_URL overrides), a publisher that fails loudly when the
 * broker is not there, a settable clock, and waiting on a condition with a deadline.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { MqttConfig } from '../../server/platform/mqtt.ts';

export const BROKER_URL = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';

/** A topic prefix no other test run uses: parallel runs on one broker never see each other's telemetry. */
export const uniquePrefix = () => `cityops-test/${randomUUID().slice(0, 8)}/sensors`;

/** The listener's settings for a test: its own prefix, group and client ids; sessions expire at once. */
export function testMqttConfig(prefix: string, overrides: Partial<MqttConfig> = {}): MqttConfig {
  const id = randomUUID().slice(0, 8);
  return {
    url: BROKER_URL,
    username: undefined,
    password: undefined,
    caFile: undefined,
    certFile: undefined,
    keyFile: undefined,
    rejectUnauthorized: true,
    clientId: `cityops-test-${id}`,
    topicPrefix: prefix,
    shareGroup: `cityops-test-${id}`,
    connections: 2,
    receiveMaximum: 1000,
    sessionExpirySeconds: 0,
    ...overrides,
  };
}

/** A publisher connected to the broker; throws (the test fails) when the broker does not answer. */
export async function connectPublisher(url = BROKER_URL): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId: `cityops-test-pub-${randomUUID().slice(0, 8)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) =>
      reject(
        new Error(
          `The MQTT broker at ${url} is not reachable (${err.message}). These tests need Mosquitto running (CI starts it).`,
        ),
      ),
    );
    client.once('close', () =>
      reject(
        new Error(
          `The MQTT broker at ${url} closed the connection. These tests need Mosquitto running (CI starts it).`,
        ),
      ),
    );
  });
  return client;
}

export const publish = (client: MqttClient, topic: string, payload: string | Buffer) =>
  client.publishAsync(topic, payload, { qos: 1 }).then(() => undefined);

/** A clock a test moves by hand. */
export function settableClock(start = Date.now()) {
  let now = start;
  return {
    now: () => new Date(now),
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
