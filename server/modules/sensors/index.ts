/**
 * Public interface of the sensors module (传感器, issue 10): IoT devices whose telemetry comes over
 * MQTT, the rules per kind that raise reports on the channel `sensor` (one open case per device and
 * condition), the offline sweep, the readings' daily partitions, the registry's routes, and what the
 * demo seed needs (the default kinds, a device written as the registry writes it).
 */
export { DEFAULT_KINDS, seedSensorKinds } from './kinds.ts';
export { ensurePartitions as ensureReadingPartitions } from './partitions.ts';
export { deviceOfTopic, MAX_PAYLOAD_BYTES, parseTelemetry } from './payload.ts';
export { sensorRoutes } from './routes.ts';
export { type RuntimeStart, SensorRuntime } from './runtime.ts';
