import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import type { LookupHit } from '../geo/index.ts';
import {
  ClassifierStatus,
  Sample,
  SampleList,
  SampleListQuery,
  SampleRetire,
  SuggestBody,
  Suggestion,
} from './schemas.ts';
import * as service from './service.ts';

/** The classifier's routes; `spatial` is the app's in-memory grid index (places' grids). */
export const classifierRoutes =
  (spatial?: { lookup(lng: number, lat: number): LookupHit | null }) => async (app: App) => {
    const tags = ['classifier'];
    app.post(
      '/api/intake/suggest',
      {
        config: { operation: 'intake.suggest' },
        schema: {
          tags,
          description:
            'Matter types (at most 5, best first, each with its share of the belief) and gazetteer places ' +
            'for the words of a report. With `lng`/`lat` (WGS84 unless `crs` says otherwise), components ' +
            'standing within 30 m favour their anomaly’s type. Users of the city’s staff, API keys with ' +
            '`case:report`.',
          body: SuggestBody,
          response: { 200: Suggestion, ...commonErrors },
        },
      },
      (request) => service.suggest(app.db, request.ctx, request.body, { spatial }),
    );
    app.get(
      '/api/classifier/samples',
      {
        config: { operation: 'classifier.samples.list' },
        schema: { tags, querystring: SampleListQuery, response: { 200: SampleList, ...commonErrors } },
      },
      (request) => service.listSamples(app.db, request.ctx, request.query),
    );
    app.post(
      '/api/classifier/samples/:id/retire',
      {
        config: { operation: 'classifier.samples.retire' },
        schema: {
          tags,
          description:
            'Takes a wrong labelled text out of the model (it stays, marked retired, with the reason).',
          params: IdParams,
          body: SampleRetire,
          response: { 200: Sample, ...commonErrors },
        },
      },
      (request) => service.retireSample(app.db, request.ctx, request.params.id, request.body),
    );
    app.get(
      '/api/classifier/status',
      {
        config: { operation: 'classifier.status' },
        schema: { tags, response: { 200: ClassifierStatus, ...commonErrors } },
      },
      (request) => service.classifierStatus(app.db, request.ctx),
    );
  };
