/** The generator's thread (worker-boot.mjs runs it): the layers in, the archive's bytes out. */
import { parentPort, workerData } from 'node:worker_threads';
import type { BaseLayers } from '../geo/index.ts';
import { generateCityBaseMap } from './generate.ts';

const result = generateCityBaseMap((workerData as { layers: BaseLayers }).layers);
parentPort?.postMessage(result);
