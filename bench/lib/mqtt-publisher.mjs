/**
 * The sensors benchmark's devices, in a worker thread (so that making and sending the telemetry
 * does not take the ingest's thread): `clients` MQTT connections publish readings at QoS 1 as fast
 * as the ingest takes them, keeping at most `window` readings published but not yet stored (the
 * main thread posts the stored count), so the broker's queues never overflow and the figure is the
 * ingest's pace, not the broker's buffering. Each device's readings carry increasing timestamps.
 *
 * Messages in: { stored: n } · { cmd: 'run' } · { cmd: 'pause' } · { cmd: 'stop' }.
 * Messages out: { ready: true } · { published: n, acked: n } (every 50 ms) · { error: message }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, prefix, codes, clients: n, window, baseTs } = workerData;
const counters = new Array(codes.length).fill(0);
let stored = 0;
let published = 0;
let acked = 0;
let running = false;
let pumping = false;

const clients = await Promise.all(
  Array.from(
    { length: n },
    (_, i) =>
      new Promise((resolve, reject) => {
        const c = mqtt.connect(url, {
          clientId: `cityops-bench-pub-${process.pid}-${i}-${Date.now().toString(36)}`,
          reconnectPeriod: 0,
          connectTimeout: 5000,
        });
        c.once('connect', () => resolve(c));
        c.once('error', reject);
      }),
  ),
).catch((err) => {
  parentPort.postMessage({ error: `publisher cannot connect to ${url}: ${err.message}` });
  process.exit(1);
});

const onAck = (err) => {
  if (err) parentPort.postMessage({ error: `publish failed: ${err.message}` });
  else acked++;
};

function pump() {
  if (pumping) return;
  pumping = true;
  try {
    let burst = 0;
    while (running && published - stored < window && burst < 500) {
      const i = published % codes.length;
      const ts = baseTs + counters[i]++ * 1000;
      const tilt = Math.round((1 + ((published * 7) % 50) / 10) * 10) / 10;
      const payload = `{"ts":${ts},"values":{"tilt":${tilt},"battery":${80 + (i % 20)}}}`;
      clients[published % n].publish(`${prefix}/${codes[i]}/telemetry`, payload, { qos: 1 }, onAck);
      published++;
      burst++;
    }
  } finally {
    pumping = false;
  }
  // Yield to the sockets, then go on while the window allows.
  if (running && published - stored < window) setImmediate(pump);
}

parentPort.on('message', (m) => {
  if (typeof m.stored === 'number') {
    stored = m.stored;
    pump();
  } else if (m.cmd === 'run') {
    running = true;
    pump();
  } else if (m.cmd === 'pause') {
    running = false;
  } else if (m.cmd === 'stop') {
    running = false;
    clearInterval(report);
    void Promise.all(clients.map((c) => c.endAsync())).then(() => process.exit(0));
  }
});

const report = setInterval(() => parentPort.postMessage({ published, acked }), 50);
parentPort.postMessage({ ready: true });
