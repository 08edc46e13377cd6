/**
 * Public interface of the classifier module: matter-type and place suggestions for a report's
 * words (`suggest`, for the routes of every channel and for services that call it directly — the
 * hotline, the public portal's server side, Open311), learning at filing (its subscriber), its
 * routes, and the start that loads the seed texts and builds the model.
 */

// The model without a database, and the labelled-text files: for the cross-validation script and
// the benchmark (scripts/classifier-cv.ts, bench/classify.ts).
export { DEFAULT_PARAMS, type ModelParams } from './model.ts';
export { type OfflineModel, offlineModel } from './offline.ts';
export { classifierRoutes } from './routes.ts';
export { currentModel, startClassifier } from './runtime.ts';
export type { SuggestionDto } from './schemas.ts';
export { type LabelledLine, loadTrainingTexts, parseLabelled, textKey } from './seed.ts';
export { type PointLookup, type SuggestInput, suggest } from './service.ts';
export { registerClassifierSubscribers } from './subscribers.ts';
export { MAX_SUGGEST_TEXT } from './text.ts';
