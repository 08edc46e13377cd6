/**
 * The model in memory, one per database this process serves (a node serves one; a test process
 * may serve several), and how it stays current:
 *
 * - Built from the database's active labelled texts (seed texts, then the newest learned texts
 *   per type in revision order) the first time it is needed, and again when the catalogue's
 *   matter types change (a local type added) — never from the seed file directly, so every node
 *   of one database builds the same model.
 * - Every question first reads the revision (one row by its key); when another node (or this one)
 *   learned or retired texts since, the rows above the model's revision are applied — added or
 *   removed — before answering. Revisions commit in order (repository.ts `nextRevision`), so
 *   nothing is skipped.
 * - The catalogue's matter types (names, enabled) are kept for 30 s, and dropped at once when this
 *   node records a `catalog.type.*` event (an observer: in-process, never failing).
 */

import { observeEvents } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { listTypes } from '../catalog/index.ts';
import { Featurizer } from './features.ts';
import { type Lexicon, loadLexicon } from './lexicon.ts';
import { ClassifierModel, DEFAULT_PARAMS, type LabelledText, type ModelParams } from './model.ts';
import * as repo from './repository.ts';
import { checksumOf, loadTrainingTexts } from './seed.ts';
import type { SampleSource } from './tables.ts';

/** How much a labelled text counts, by where it came from. */
export const SOURCE_WEIGHT: Record<SampleSource, number> = {
  seed: 1,
  // A correction is the most telling text there is, but counts as one text, never more.
  corrected: 1,
  // A confirmation repeats what the model already said: it counts half, so the model does not
  // talk itself into its own habits.
  confirmed: 0.5,
};

export interface MatterTypeInfo {
  code: string;
  name: string;
  enabled: boolean;
}

interface TypesSnapshot {
  at: number;
  list: MatterTypeInfo[];
  byCode: Map<string, MatterTypeInfo>;
  /** The codes and names, for "did the catalogue change in a way the model must know?" */
  signature: string;
}

export interface Runtime {
  instance: string;
  rev: number;
  signature: string;
  model: ClassifierModel;
  builtAt: Date;
  /** Serialises catch-ups of this runtime. */
  lock: Promise<unknown>;
}

// ---------------------------------------------------------------------------------------------
// Process-wide assets: the lexicon and the segmenter's user dictionary (files of the repository).

let assets: { lexicon: Lexicon; featurizer: Featurizer; terms: number } | undefined;

export function classifierAssets() {
  if (!assets) {
    const lexicon = loadLexicon();
    const words = [...lexicon.values()].flat();
    assets = { lexicon, featurizer: new Featurizer(words), terms: words.length };
  }
  return assets;
}

let seedCache: { lines: ReturnType<typeof loadTrainingTexts>; checksum: string } | undefined;

export function seedFile() {
  if (!seedCache) {
    const lines = loadTrainingTexts();
    seedCache = { lines, checksum: checksumOf(lines) };
  }
  return seedCache;
}

// ---------------------------------------------------------------------------------------------
// The catalogue's matter types.

const TYPES_TTL_MS = 30_000;
let types: TypesSnapshot | undefined;
let typesLoading: Promise<TypesSnapshot> | undefined;
let observing = false;

function observeCatalogue() {
  if (observing) return;
  observing = true;
  observeEvents((_ctx, e) => {
    if (e.action.startsWith('catalog.type.')) types = undefined;
  });
}

export async function matterTypes(db: Db): Promise<TypesSnapshot> {
  observeCatalogue();
  if (types && Date.now() - types.at < TYPES_TTL_MS) return types;
  typesLoading ??= (async () => {
    const ctx = systemContext('classifier');
    ctx.actor.permissions = ['catalog:read'];
    const list: MatterTypeInfo[] = [];
    for (let page = 1; ; page++) {
      const res = await listTypes(db, ctx, { kind: 'matter', page, pageSize: 500 });
      for (const t of res.items) list.push({ code: t.code, name: t.name, enabled: t.enabled });
      if (page * 500 >= res.total) break;
    }
    list.sort((a, b) => a.code.localeCompare(b.code));
    const snapshot: TypesSnapshot = {
      at: Date.now(),
      list,
      byCode: new Map(list.map((t) => [t.code, t])),
      signature: list.map((t) => `${t.code}:${t.name}`).join('|'),
    };
    types = snapshot;
    return snapshot;
  })().finally(() => {
    typesLoading = undefined;
  });
  return typesLoading;
}

/** Forget the cached types (tests that change the catalogue behind the observer's back). */
export function forgetMatterTypes() {
  types = undefined;
}

// ---------------------------------------------------------------------------------------------
// The revision check.

/**
 * How long a node answers from the revision it read last before reading it again: a change made
 * on another node reaches this one within this time (and this node's own changes at once, see
 * `noteLocalChange`). Reading it on every question would cost a query per suggestion.
 */
export const REVISION_CHECK_MS = 500;
/** After a change on this node, the revision is read on every question for this long (the change's
 * transaction may commit a little after it was made). */
const LOCAL_CHANGE_WINDOW_MS = 3_000;
const lastRead = new WeakMap<Db, { at: number; state: repo.StateRow | undefined }>();
let localChangeUntil = 0;

/** This node learned or retired a text: read the revision afresh for a while. */
export function noteLocalChange(): void {
  localChangeUntil = Date.now() + LOCAL_CHANGE_WINDOW_MS;
}

async function checkedState(db: Db): Promise<repo.StateRow | undefined> {
  const now = Date.now();
  const last = lastRead.get(db);
  if (last?.state && now - last.at < REVISION_CHECK_MS && now > localChangeUntil) return last.state;
  const state = await repo.readState(db);
  lastRead.set(db, { at: now, state });
  return state;
}

// ---------------------------------------------------------------------------------------------
// Runtimes per database.

const runtimes = new Map<string, Runtime>();
const building = new Map<string, Promise<Runtime>>();
/** A test process may build many databases; keep the models of the last few. */
const MAX_RUNTIMES = 4;

let params: ModelParams = DEFAULT_PARAMS;

/** Model parameters for runtimes built from now on (the benchmark's and the tests' knob). */
export function setModelParams(next: ModelParams) {
  params = next;
  runtimes.clear();
}

const toLabelled = (r: repo.ModelRow): LabelledText => ({
  id: r.id,
  code: r.matterCode,
  text: r.text,
  weight: SOURCE_WEIGHT[r.source],
  learned: r.source !== 'seed',
});

async function build(db: Db, instance: string, snapshot: TypesSnapshot): Promise<Runtime> {
  const { lexicon, featurizer } = classifierAssets();
  // The state is read again inside: the rows and the revision must belong together.
  const state = await repo.readState(db);
  const rev = state?.rev ?? 0;
  const rows = (await repo.activeSamples(db, params.learnedCap)).filter((r) => r.rev <= rev);
  featurizer.protect(snapshot.list.map((t) => t.name));
  const model = new ClassifierModel(
    featurizer,
    snapshot.list,
    lexicon,
    rows.filter((r) => r.source === 'seed').map(toLabelled),
    params,
  );
  for (const r of rows) if (r.source !== 'seed') model.add(toLabelled(r));
  const rt: Runtime = {
    instance,
    rev,
    signature: snapshot.signature,
    model,
    builtAt: new Date(),
    lock: Promise.resolve(),
  };
  runtimes.delete(instance);
  runtimes.set(instance, rt);
  while (runtimes.size > MAX_RUNTIMES) runtimes.delete(runtimes.keys().next().value!);
  return rt;
}

/** Applies the rows changed after the runtime's revision, up to `rev`. */
async function catchUp(db: Db, rt: Runtime, rev: number): Promise<void> {
  const run = rt.lock.then(async () => {
    if (rt.rev >= rev) return;
    for (const r of await repo.changedSince(db, rt.rev, rev)) {
      if (r.retired) rt.model.remove(r.id);
      else if (r.source !== 'seed' || !rt.model.has(r.id)) rt.model.add(toLabelled(r));
    }
    rt.rev = rev;
  });
  rt.lock = run.catch(() => undefined);
  await run;
}

/**
 * The current model of the database behind `db` (loading the seed texts if this database has
 * never had them), with the catalogue's matter types.
 */
export async function runtimeFor(db: Db): Promise<{ rt: Runtime; types: TypesSnapshot }> {
  let state = await checkedState(db);
  if (!state) {
    const seed = seedFile();
    await repo.syncSeed(db, seed.lines, seed.checksum);
    lastRead.delete(db);
    state = (await checkedState(db))!;
  }
  const snapshot = await matterTypes(db);
  let rt = runtimes.get(state.instance);
  if (!rt || rt.signature !== snapshot.signature) {
    const key = `${state.instance}|${snapshot.signature}`;
    let pending = building.get(key);
    if (!pending) {
      pending = build(db, state.instance, snapshot).finally(() => building.delete(key));
      building.set(key, pending);
    }
    rt = await pending;
  }
  if (rt.rev < state.rev) await catchUp(db, rt, state.rev);
  return { rt, types: snapshot };
}

/**
 * At start: load the seed file into the database if it holds another version (or none), and
 * build the model, so the first question is answered at full speed.
 */
export async function startClassifier(db: Db): Promise<void> {
  const seed = seedFile();
  await repo.syncSeed(db, seed.lines, seed.checksum);
  lastRead.delete(db);
  await runtimeFor(db);
}

/** The model answering for the database behind `db` now (the benchmark measures it alone). */
export async function currentModel(db: Db): Promise<ClassifierModel> {
  return (await runtimeFor(db)).rt.model;
}
