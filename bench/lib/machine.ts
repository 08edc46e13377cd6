/**
 * A short description of the machine a figure was measured on, built from the machine itself,
 * e.g. "2× AMD EPYC · 24 GiB · node v20.20.2 · linux x64". Figures from different machines are
 * not comparable; this line says which is which.
 */
import os from 'node:os';

export function describeMachine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const gib = Math.round(os.totalmem() / 1024 ** 3);
  return `${cpus.length}× ${model} · ${gib} GiB · node ${process.version} · ${process.platform} ${process.arch}`;
}
