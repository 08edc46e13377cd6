/** The call-back queue's routes (回访). */
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { getCallback, listCallbacks, recordAttempt, recordCallbackResult } from './queue.ts';
import {
  Callback,
  CallbackAttemptBody,
  CallbackList,
  CallbackListQuery,
  CallbackResult,
  CallbackResultBody,
} from './schemas.ts';

const tags = ['callbacks'];

export async function callbackRoutes(app: App) {
  app.get(
    '/api/callbacks',
    {
      config: { operation: 'callbacks.list' },
      schema: {
        tags,
        summary: 'The call-back queue / 回访队列',
        description:
          'Closed cases whose public reporters (hotline, web, app, WeChat) are owed a call, in the caller’s scope ' +
          '(`callback:record`: the city every district, an acceptor their district). Pending oldest first; done newest first.',
        querystring: CallbackListQuery,
        response: { 200: CallbackList, ...commonErrors },
      },
    },
    (request) => listCallbacks(app.db, request.ctx, request.query),
  );
  app.get(
    '/api/callbacks/:id',
    {
      config: { operation: 'callbacks.get' },
      schema: {
        tags,
        summary: 'A call-back / 回访',
        params: IdParams,
        response: { 200: Callback, ...commonErrors },
      },
    },
    (request) => getCallback(app.db, request.ctx, request.params.id),
  );
  app.post(
    '/api/callbacks/:id/result',
    {
      config: { operation: 'callbacks.result' },
      schema: {
        tags,
        summary: 'Record the reporter’s satisfaction / 记录回访结果',
        description:
          '满意 / 基本满意 / 不满意 with a note, as a satisfaction heard on the phone. 不满意 reopens the case (back to the ' +
          'dispatcher, the note on its timeline) when the setting callback.reopenOnDissatisfied is on.',
        params: IdParams,
        body: CallbackResultBody,
        response: { 200: CallbackResult, ...commonErrors },
      },
    },
    (request) => recordCallbackResult(app.db, request.ctx, request.params.id, request.body),
  );
  app.post(
    '/api/callbacks/:id/attempts',
    {
      config: { operation: 'callbacks.attempt' },
      schema: {
        tags,
        summary: 'The reporter was not reached / 回访未接通',
        description: 'Noted with the reason (no answer, wrong number); the call-back stays pending.',
        params: IdParams,
        body: CallbackAttemptBody,
        response: { 200: Callback, ...commonErrors },
      },
    },
    (request) => recordAttempt(app.db, request.ctx, request.params.id, request.body),
  );
}
