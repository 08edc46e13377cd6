/**
 * Writes a GENERATED gazetteer CSV of a city's size for trying the places import by hand:
 *   npx tsx scripts/gen-gazetteer.ts [count=300000] [out=gazetteer-300k.csv]
 * Every point lies in a grid of the demo city (the default seed and size of `npm start`), so the
 * file imports into a fresh demo: `npx tsx scripts/import.ts places <out>` or the Imports page.
 * The names are invented (bench/lib/gazetteer.ts); nothing in the file is real.
 */
import fs from 'node:fs';
import { gazetteerCsv, generateGazetteer } from '../bench/lib/gazetteer.ts';
import { centroidOf, generateDemoCity, ningboDivisions } from '../server/modules/geo/index.ts';

const count = Number(process.argv[2] ?? 300_000);
const out = process.argv[3] ?? `gazetteer-${Math.round(count / 1000)}k.csv`;
if (!Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: npx tsx scripts/gen-gazetteer.ts [count] [out.csv]\n');
  process.exit(1);
}
const city = generateDemoCity(ningboDivisions);
const cells = city.grids.map((g) => {
  const [lng, lat] = centroidOf(g.polygon);
  return { district: g.id.slice(0, 6), lng, lat };
});
fs.writeFileSync(out, gazetteerCsv(generateGazetteer(count, cells)));
process.stderr.write(`wrote ${count} generated places over ${cells.length} grids to ${out}\n`);
