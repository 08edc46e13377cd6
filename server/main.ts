/**
 * The process: configuration, database (PostgreSQL or embedded PGlite), migrations, the demo
 * seed on first start, the HTTP server, and a clean stop on SIGINT/SIGTERM — in-flight requests
 * finish, then the database closes properly (an unclean PGlite stop could corrupt DATA_DIR).
 */
import path from 'node:path';
import { buildApp } from './app.ts';
import { startTimerLoop } from './modules/cases/index.ts';
import { startSumCompaction } from './modules/evaluation/index.ts';
import {
  type GpsGateway,
  type GpsPositionStream,
  startGpsGateway,
  startGpsMaintenance,
  startGpsPositionStream,
} from './modules/gps/index.ts';
import { startRingingSweep } from './modules/hotline/index.ts';
import { startImportRecoveryLoop } from './modules/imports/index.ts';
import { startOpinionPoller } from './modules/opinion/index.ts';
import { ForwardPoller, OutboxWorker } from './modules/outbox/index.ts';
import { startWarningLoop } from './modules/warning/index.ts';
import { loadConfig } from './platform/config.ts';
import { lockDataDir } from './platform/data-dir-lock.ts';
import { openDatabase } from './platform/db.ts';
import { EventFeed } from './platform/event-feed.ts';
import { connectNats } from './platform/nats.ts';
import { demoUsers } from './seed/demo-orgs.ts';
import { seedDemo } from './seed/index.ts';

async function main() {
  const started = Date.now();
  const config = loadConfig();
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const seeded = config.seedDemo ? await seedDemo(database, config) : false;
  const feed = new EventFeed(database);
  await feed.start();
  const app = await buildApp({ config, database, feed });
  // Stage warnings and overdue marks: every node sweeps; SKIP LOCKED makes each fire once.
  const stopTimers = startTimerLoop(database, 2_000, (err) => app.log.error({ err }, 'timer sweep failed'));
  // Deliveries to units' own systems: every node sends; SKIP LOCKED gives each row to one of them.
  const outbox = new OutboxWorker(database, app.outbound, {
    onError: (err) => app.log.error({ err }, 'outbox round failed'),
  });
  outbox.start(2_000);
  // What departments' Open311 servers say of the cases forwarded to them (OPEN311_POLL_SECONDS).
  const pollMs = config.open311PollSeconds * 1000;
  const forwards = new ForwardPoller(database, app.outbound, {
    intervalMs: pollMs,
    onError: (err) => app.log.error({ err }, 'open311 status read failed'),
  });
  forwards.start(Math.min(30_000, pollMs));
  // Calls whose hang-up never came: missed after the ring timeout (hotline/sweep.ts).
  const stopRingingSweep = startRingingSweep(database.db, 30_000, (err) =>
    app.log.error({ err }, 'ringing-call sweep failed'),
  );
  // Import jobs whose process died while this one runs: failed once their lease runs out.
  const stopImportRecovery = startImportRecoveryLoop(app);
  // Sensors: the offline sweep, due alarms and partitions on every node; the MQTT listener only
  // with MQTT_URL (stopped by app.close(), before the database closes).
  await app.sensors.start({ mqtt: config.mqtt });
  // Online opinion feeds: every node polls; SKIP LOCKED and a lease give each due feed to one of them.
  const stopOpinion = startOpinionPoller(
    { db: database.db, outbound: app.outbound, spatial: app.spatial },
    { onError: (err) => app.log.error({ err }, 'opinion poll failed') },
  );
  // Early warnings (预警): every node runs every 15 minutes; an advisory lock runs them one at a time.
  const stopWarnings = startWarningLoop(database, 15 * 60_000, (err) =>
    app.log.error({ err }, 'early-warning run failed'),
  );

  // The evaluation's day sums: the deltas the case writes appended, folded in every 10 seconds
  // (a figure reads both, so this keeps the reads short, not right).
  const stopSumCompaction = startSumCompaction(database.db, 10_000, (err) =>
    app.log.error({ err }, 'evaluation sums compaction failed'),
  );

  // GPS: the positions' day partitions made ahead and dropped past the retention (every node), and
  // this node's JT/T 808 gateway for vehicle terminals unless JT808_PORT=0.
  const stopGpsMaintenance = startGpsMaintenance(database, app.log);
  // With NATS_URL the gateways publish to a JetStream stream and every node's writer stores from it.
  let gpsStream: GpsPositionStream | undefined;
  const nats = config.nats.servers ? await connectNats(config.nats, `cityops-${process.pid}`) : undefined;
  if (nats) {
    gpsStream = await startGpsPositionStream(database.db, nats, config.nats.prefix, {
      log: app.log,
      live: app.gpsLive,
      alarms: app.gpsAlarms,
    });
  }
  let gpsGateway: GpsGateway | undefined;
  if (config.jt808Port > 0) {
    gpsGateway = await startGpsGateway(database, {
      port: config.jt808Port,
      host: config.host,
      log: app.log,
      live: app.gpsLive,
      alarms: app.gpsAlarms,
      feed,
      publish: gpsStream?.publish,
    });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping: finishing in-flight requests');
    try {
      await stopTimers();
      await stopRingingSweep();
      await stopImportRecovery();
      await stopOpinion();
      await stopWarnings();
      await stopSumCompaction();
      // The gateway's connections end and its queued positions are written before the database closes.
      await gpsGateway?.close();
      await gpsStream?.close();
      await nats?.drain();
      await stopGpsMaintenance();
      await outbox.stop();
      await forwards.stop();
      await app.close();
      feed.stop();
      await database.close();
      unlock();
      process.stdout.write(`CityOps stopped cleanly (${signal}): requests finished, database closed.\n`);
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${shownHost}:${config.port}`;
  const accounts = demoUsers().map((u) => u.username);
  const lines = [
    '',
    '  CityOps 智慧城管 is running',
    `  Web UI:        ${url}/`,
    `  API docs:      ${url}/api/docs`,
    `  Public portal: ${url}/public/   (citizens report and follow problems; no login)`,
    `  Field app:     ${url}/m/   (inspectors and unit handlers, on a phone)`,
    `  Database:      ${database.driver === 'pglite' ? `PGlite (embedded) at ${path.join(config.dataDir, 'pglite')}` : 'PostgreSQL (DATABASE_URL)'}`,
    `  Demo data:     ${seeded ? 'seeded on this first start' : 'already present'}`,
    `  Sensors/MQTT:  ${config.mqtt.url ? `listening on ${config.mqtt.url} (${config.mqtt.topicPrefix}/{deviceId}/telemetry)` : 'off (set MQTT_URL, e.g. mqtt://127.0.0.1:1883)'}`,
    `  GPS/JT808:     ${gpsGateway ? `terminals connect to TCP port ${gpsGateway.port} (JT/T 808 2013/2019)` : 'off (JT808_PORT=0)'}${nats ? `; positions through NATS JetStream ${config.nats.servers?.join(',')} (stream ${config.nats.prefix}_GPS)` : ''}`,
    `  Demo password: ${config.demoPassword}   (set DEMO_PASSWORD to change it before the first start)`,
    `  Demo accounts: ${accounts.slice(0, 6).join(', ')}, …`,
    '                 <district>.<role> for haishu, jiangbei, beilun, zhenhai, yinzhou, fenghua × inspector, acceptor, shift_leader, dispatcher',
    `                 unit handlers: ${accounts.filter((a) => a.startsWith('unit.')).join(', ')}`,
    `  Started in ${((Date.now() - started) / 1000).toFixed(1)} s. Stop with Ctrl+C.`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`CityOps failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
