/**
 * Cross-validation of the classifier on its training texts only (never the evaluation set):
 * `npx tsx scripts/classifier-cv.ts [--folds 5] [--params '{"knnWeight":3}'] [--errors]`. Each fold
 * trains on the other folds plus the lexicon and scores the held-out texts; prints top-1 / top-3
 * overall and per voice (and, with --errors, every miss). The model's parameters (DEFAULT_PARAMS
 * in server/modules/classifier/model.ts) were chosen with this, so that the evaluation set in
 * bench/data stays unseen by every decision.
 */
import {
  DEFAULT_PARAMS,
  loadTrainingTexts,
  type ModelParams,
  offlineModel,
} from '../server/modules/classifier/index.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const folds = Number(opt('folds') ?? 5);
const params: ModelParams = { ...DEFAULT_PARAMS, ...(opt('params') ? JSON.parse(opt('params')!) : {}) };
const verbose = args.includes('--errors');
const lines = loadTrainingTexts();

let n = 0;
let top1 = 0;
let top3 = 0;
const byVoice = new Map<string, { n: number; top1: number; top3: number }>();
for (let k = 0; k < folds; k++) {
  const m = offlineModel({ train: lines.filter((_, i) => i % folds !== k), params });
  for (const l of lines.filter((_, i) => i % folds === k)) {
    const ranked = m
      .classify(l.text)
      .slice(0, 3)
      .map((s) => s.code);
    const v = byVoice.get(l.voice) ?? { n: 0, top1: 0, top3: 0 };
    n++;
    v.n++;
    if (ranked[0] === l.code) {
      top1++;
      v.top1++;
    } else if (verbose) {
      const label = (c: string) => `${c}${m.names.get(c)}`;
      console.log(`✗ ${label(l.code)} ← ${ranked.map(label).join(' / ')}  ${l.text}`);
    }
    if (ranked.includes(l.code)) {
      top3++;
      v.top3++;
    }
    byVoice.set(l.voice, v);
  }
}
const pct = (a: number, b: number) => (b ? (a / b).toFixed(3) : '—');
console.log(`${folds}-fold CV on ${n} training texts: top-1 ${pct(top1, n)}, top-3 ${pct(top3, n)}`);
for (const [voice, v] of byVoice)
  console.log(`  ${voice}: n=${v.n} top-1 ${pct(v.top1, v.n)} top-3 ${pct(v.top3, v.n)}`);
