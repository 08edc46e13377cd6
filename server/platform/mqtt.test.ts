import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { telemetrySubscription } from './mqtt.ts';

describe('MQTT configuration', () => {
  it('is off without MQTT_URL, with stable defaults for the rest', () => {
    const c = loadConfig({}).mqtt;
    expect(c.url).toBeUndefined();
    expect(c).toMatchObject({
      topicPrefix: 'cityops/sensors',
      shareGroup: 'cityops',
      connections: 4,
      receiveMaximum: 1000,
      sessionExpirySeconds: 3600,
      rejectUnauthorized: true,
    });
    expect(c.clientId).toMatch(/^cityops-[A-Za-z0-9_.-]+$/);
    expect(telemetrySubscription(c)).toBe('$share/cityops/cityops/sensors/+/telemetry');
  });

  it('reads the broker, credentials, TLS and the topic settings', () => {
    const c = loadConfig({
      MQTT_URL: 'mqtts://broker.example:8883',
      MQTT_USERNAME: 'cityops',
      MQTT_PASSWORD: 's3cret',
      MQTT_TLS_INSECURE: 'true',
      MQTT_CLIENT_ID: 'node-a',
      MQTT_TOPIC_PREFIX: 'ningbo/iot/',
      MQTT_SHARE_GROUP: 'platform',
      MQTT_CONNECTIONS: '4',
      MQTT_RECEIVE_MAXIMUM: '500',
      MQTT_SESSION_EXPIRY_SECONDS: '0',
    }).mqtt;
    expect(c).toMatchObject({
      url: 'mqtts://broker.example:8883',
      username: 'cityops',
      password: 's3cret',
      rejectUnauthorized: false,
      clientId: 'node-a',
      topicPrefix: 'ningbo/iot',
      shareGroup: 'platform',
      connections: 4,
      receiveMaximum: 500,
      sessionExpirySeconds: 0,
    });
  });

  it('refuses a setting that would not work, at start, naming it', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ MQTT_URL: 'http://broker:1883' }, /MQTT_URL must start with mqtt/],
      [{ MQTT_URL: 'not a url' }, /MQTT_URL must be a URL/],
      [{ MQTT_URL: 'mqtt://user:pw@broker:1883' }, /must not hold credentials/],
      [{ MQTT_TOPIC_PREFIX: 'city/+/x' }, /MQTT_TOPIC_PREFIX/],
      [{ MQTT_TOPIC_PREFIX: 'city/#' }, /MQTT_TOPIC_PREFIX/],
      [{ MQTT_SHARE_GROUP: 'a/b' }, /MQTT_SHARE_GROUP/],
      [{ MQTT_CONNECTIONS: '0' }, /MQTT_CONNECTIONS/],
      [{ MQTT_RECEIVE_MAXIMUM: '70000' }, /MQTT_RECEIVE_MAXIMUM/],
      [{ MQTT_CA_FILE: '/no/such/ca.pem' }, /MQTT_CA_FILE/],
      [{ MQTT_TLS_INSECURE: 'perhaps' }, /MQTT_TLS_INSECURE/],
    ];
    for (const [env, message] of bad) expect(() => loadConfig(env)).toThrow(message);
  });
});
