/**
 * How sure the classifier is when it is right: `npx tsx scripts/classifier-score-floor.ts`. For
 * each floor, the share of the evaluation set's texts (bench/data/classify-eval.jsonl) whose first
 * suggestion reaches it and how often that suggestion is the labelled type. The duplicate rule's
 * default floor for reports without a type (common/duplicates.ts `DEFAULT_MIN_SUGGESTION_SCORE`)
 * was chosen from this table. The model is the offline one (the seed texts and the lexicon, as a
 * fresh server's), without components near a point.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { offlineModel, parseLabelled } from '../server/modules/classifier/index.ts';

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../bench/data/classify-eval.jsonl');
const evalSet = parseLabelled(fs.readFileSync(file, 'utf8'), 'classify-eval.jsonl');
const model = offlineModel();
const rows = evalSet.map((e) => {
  const info: { evidence?: number } = {};
  const ranked = model.classify(e.text, undefined, info);
  const top = info.evidence ? ranked[0] : undefined;
  return { score: top?.score ?? 0, right: top?.code === e.code };
});
console.log('floor\tcovered\tshare\tprecision');
for (const floor of [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
  const covered = rows.filter((r) => r.score >= floor);
  const right = covered.filter((r) => r.right).length;
  console.log(
    `${floor}\t${covered.length}\t${(covered.length / rows.length).toFixed(3)}\t${(right / covered.length).toFixed(3)}`,
  );
}
