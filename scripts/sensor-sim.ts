/**
 * A small simulator of the demo city's sensors: publishes telemetry for the seeded devices
 * (DEMO-HS-TILT-1 … DEMO-YZ-BIN-2) through the MQTT broker, as the devices in the street would, so a
 * demo shows readings arriving, devices online and — with `--flood` or `--tilt` — an alarm raising
 * a report (channel 传感器) and its clear noted on the case.
 *
 *   MQTT_URL=mqtt://127.0.0.1:1883 npm start          # the platform, listening
 *   npx tsx scripts/sensor-sim.ts                      # normal readings every 5 s
 *   npx tsx scripts/sensor-sim.ts --flood              # …and 海曙's underpass floods for 3 minutes
 *   npx tsx scripts/sensor-sim.ts --tilt --interval 2  # …and a 海曙 cover is knocked askew for 2 minutes
 *
 * Options: --url (default MQTT_URL or mqtt://127.0.0.1:1883), --prefix (default MQTT_TOPIC_PREFIX or
 * cityops/sensors), --interval seconds (default 5), --minutes to run (default: until Ctrl+C).
 * Readings are QoS 1 with the device's own timestamp. Everything it sends is generated.
 */
import mqtt from 'mqtt';

interface Args {
  url: string;
  prefix: string;
  interval: number;
  minutes: number;
  flood: boolean;
  tilt: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    url: process.env.MQTT_URL || 'mqtt://127.0.0.1:1883',
    prefix: (process.env.MQTT_TOPIC_PREFIX || 'cityops/sensors').replace(/\/+$/, ''),
    interval: 5,
    minutes: Number.POSITIVE_INFINITY,
    flood: false,
    tilt: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--url') args.url = value();
    else if (a === '--prefix') args.prefix = value().replace(/\/+$/, '');
    else if (a === '--interval') args.interval = Number(value());
    else if (a === '--minutes') args.minutes = Number(value());
    else if (a === '--flood') args.flood = true;
    else if (a === '--tilt') args.tilt = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(
        'usage: npx tsx scripts/sensor-sim.ts [--url mqtt://host:1883] [--prefix cityops/sensors] [--interval 5] [--minutes N] [--flood] [--tilt]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!(args.interval >= 0.2)) throw new Error('--interval must be at least 0.2 seconds');
  if (!(args.minutes > 0)) throw new Error('--minutes must be positive');
  return args;
}

type Model = (t: number, i: number) => Record<string, number>;
const round = (v: number) => Math.round(v * 10) / 10;
const noise = (amp: number) => (Math.random() - 0.5) * 2 * amp;

/** The demo devices (server/seed/sensors.ts) and how each one's readings go; t in seconds from start. */
function devices(args: Args): { code: string; model: Model }[] {
  const out: { code: string; model: Model }[] = [];
  for (const d of ['HS', 'JB', 'YZ']) {
    const floodHere = args.flood && d === 'HS';
    const tiltHere = args.tilt && d === 'HS';
    out.push(
      {
        code: `DEMO-${d}-TILT-1`,
        // Knocked askew 20 s in, for two minutes (the rule: > 15° for 30 s), then seated again.
        model: (t) => ({
          tilt: round(tiltHere && t >= 20 && t < 140 ? 24 + noise(3) : 1.5 + noise(0.8)),
          battery: 95,
        }),
      },
      { code: `DEMO-${d}-TILT-2`, model: () => ({ tilt: round(2 + noise(1)), battery: 87 }) },
      {
        code: `DEMO-${d}-WATER-1`,
        // A rainstorm 20 s in: the water rises to ~35 cm and stays three minutes (the rule: > 20 cm
        // for 2 minutes), then drains below the clear level (10 cm).
        model: (t) => {
          if (!floodHere || t < 20) return { level: round(Math.max(0, 3 + noise(2))), battery: 79 };
          const rise = Math.min(1, (t - 20) / 30);
          const fall = t > 200 ? Math.min(1, (t - 200) / 30) : 0;
          return { level: round(Math.max(0, 3 + 32 * rise * (1 - fall) + noise(1.5))), battery: 79 };
        },
      },
      {
        code: `DEMO-${d}-BIN-1`,
        model: (t) => ({ fill: Math.min(85, Math.round(40 + t / 30)), battery: 91 }),
      },
      {
        code: `DEMO-${d}-BIN-2`,
        model: (t) => ({ fill: Math.min(80, Math.round(25 + t / 40)), battery: 67 }),
      },
    );
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const client = mqtt.connect(args.url, {
    clientId: `cityops-sensor-sim-${process.pid}`,
    username: process.env.MQTT_USERNAME || undefined,
    password: process.env.MQTT_PASSWORD || undefined,
    connectTimeout: 5000,
    reconnectPeriod: 2000,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) =>
      reject(new Error(`cannot reach the broker at ${args.url}: ${err.message}`)),
    );
  });
  const list = devices(args);
  const started = Date.now();
  let sent = 0;
  process.stdout.write(
    `sensor-sim: ${list.length} devices → ${args.url} ${args.prefix}/{deviceId}/telemetry every ${args.interval} s` +
      `${args.flood ? ', a flood at DEMO-HS-WATER-1' : ''}${args.tilt ? ', a tilted cover at DEMO-HS-TILT-1' : ''}\n`,
  );
  const tick = async () => {
    const t = (Date.now() - started) / 1000;
    await Promise.all(
      list.map((d, i) =>
        client.publishAsync(
          `${args.prefix}/${d.code}/telemetry`,
          JSON.stringify({ ts: new Date().toISOString(), values: d.model(t, i) }),
          { qos: 1 },
        ),
      ),
    );
    sent += list.length;
    if (Math.floor(t / 30) !== Math.floor((t - args.interval) / 30)) {
      const water = list.find((d) => d.code === 'DEMO-HS-WATER-1')!.model(t, 0);
      process.stdout.write(
        `  ${Math.round(t)} s: ${sent} readings sent; DEMO-HS-WATER-1 level ${water.level} cm\n`,
      );
    }
  };
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await client.endAsync();
    process.stdout.write(`sensor-sim: stopped after ${sent} readings\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  while (!stopping && Date.now() - started < args.minutes * 60_000) {
    await tick().catch((err) => process.stderr.write(`publish failed: ${err.message}\n`));
    await new Promise((r) => setTimeout(r, args.interval * 1000));
  }
  await stop();
}

main().catch((err) => {
  process.stderr.write(`sensor-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
