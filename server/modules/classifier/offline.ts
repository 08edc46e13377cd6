/**
 * The model without a database: built from the reference catalogue's matter types, the lexicon
 * and labelled lines given by the caller (the training file by default). For the cross-validation
 * script and the benchmark, which measure the model itself; the server builds its models from the
 * database (runtime.ts) with the same code.
 */
import { referenceCatalogue } from '../catalog/index.ts';
import { ClassifierModel, DEFAULT_PARAMS, type ModelParams, type Scored } from './model.ts';
import { classifierAssets } from './runtime.ts';
import { type LabelledLine, loadTrainingTexts } from './seed.ts';

export interface OfflineModel {
  classify(text: string, near?: ReadonlyMap<string, number>, info?: { evidence?: number }): Scored[];
  /** Matter code → name (the reference catalogue's). */
  names: ReadonlyMap<string, string>;
  model: ClassifierModel;
}

export function referenceMatterTypes(): { code: string; name: string }[] {
  return referenceCatalogue()
    .types.filter((t) => t.kind === 'matter')
    .map((t) => ({ code: t.code, name: t.name }));
}

export function offlineModel(
  opts: { train?: readonly LabelledLine[]; params?: Partial<ModelParams> } = {},
): OfflineModel {
  const { lexicon, featurizer } = classifierAssets();
  const types = referenceMatterTypes();
  featurizer.protect(types.map((t) => t.name));
  const train = opts.train ?? loadTrainingTexts();
  const model = new ClassifierModel(
    featurizer,
    types,
    lexicon,
    train.map((l, i) => ({ id: `seed-${i}`, code: l.code, text: l.text, weight: 1, learned: false })),
    { ...DEFAULT_PARAMS, ...opts.params },
  );
  return {
    classify: (text, near, info) => model.classify(text, near, info),
    names: new Map(types.map((t) => [t.code, t.name])),
    model,
  };
}
