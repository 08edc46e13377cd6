/**
 * The seed training texts: db/reference/classifier/train.jsonl, one labelled text a line
 * (`{"code","voice","text"}`), written by hand for CityOps in the voices of citizens, hotline
 * operators and inspectors. They are loaded into the `classifier_sample` table (source `seed`) at
 * start; the evaluation set (bench/data/classify-eval.jsonl) is kept apart and never trained on.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REFERENCE_DIR } from './lexicon.ts';
import { normalizeText } from './text.ts';

export const TRAIN_FILE = path.join(REFERENCE_DIR, 'train.jsonl');

export const VOICES = ['citizen', 'hotline', 'inspector'] as const;
export type Voice = (typeof VOICES)[number];

export interface LabelledLine {
  code: string;
  voice: Voice;
  text: string;
}

/** Parses labelled JSON lines (the training file, the evaluation set); a bad line is an error. */
export function parseLabelled(text: string, source: string): LabelledLine[] {
  const out: LabelledLine[] = [];
  text.split(/\r?\n/u).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      throw new Error(`${source}:${i + 1}: not JSON`);
    }
    const r = row as Partial<LabelledLine>;
    if (
      typeof r.code !== 'string' ||
      !/^\d{5}$/u.test(r.code) ||
      typeof r.text !== 'string' ||
      r.text.trim() === '' ||
      !VOICES.includes(r.voice as Voice)
    ) {
      throw new Error(
        `${source}:${i + 1}: expected {"code":"<5 digits>","voice":"citizen|hotline|inspector","text":"…"}`,
      );
    }
    out.push({ code: r.code, voice: r.voice as Voice, text: r.text });
  });
  return out;
}

export function loadTrainingTexts(file = TRAIN_FILE): LabelledLine[] {
  return parseLabelled(fs.readFileSync(file, 'utf8'), path.basename(file));
}

/** A text's identity for de-duplication: the hash of its normalised form. */
export function textKey(text: string): string {
  return createHash('sha256').update(normalizeText(text)).digest('hex').slice(0, 32);
}

/** Checksum of the training file's content (which seed the database holds). */
export function checksumOf(lines: readonly LabelledLine[]): string {
  const h = createHash('sha256');
  for (const l of lines) h.update(`${l.code}\t${l.voice}\t${l.text}\n`);
  return h.digest('hex');
}
