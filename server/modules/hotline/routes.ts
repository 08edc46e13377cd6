import { parseJsonBody } from '../../platform/json-body.ts';
/** The hotline's routes: calls (from the telephony and the console), seats, the knowledge base. */
import { commonErrors, IdParams, NoContent } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import type { SpatialService } from '../geo/index.ts';
import { answerCall, finishCall, getCall, hangUpCall, listCalls, postCall, reportFromCall } from './calls.ts';
import { createKnowledge, getKnowledge, listKnowledge, updateKnowledge } from './knowledge.ts';
import {
  CallDetail,
  CallFinishBody,
  CallList,
  CallListQuery,
  CallPostBody,
  CallPosted,
  CallReportBody,
  CallReportResult,
  HotlineCall,
  KnowledgeBody,
  KnowledgeEntry,
  KnowledgeList,
  KnowledgeListQuery,
  KnowledgeUpdateBody,
  MySeat,
  SeatBody,
  VersionBody,
} from './schemas.ts';
import { mySeat, signIn, signOut } from './seats.ts';

const tags = ['hotline'];

export const hotlineRoutes = (spatial: SpatialService) =>
  async function hotlinePlugin(app: App) {
    // ---- the telephony ------------------------------------------------------------------------
    app.post(
      '/api/hotline/calls',
      {
        config: { operation: 'hotline.calls.post' },
        schema: {
          tags,
          summary: 'An incoming call rings (telephony) / 来电推送',
          description:
            "What a telephony system (FreeSWITCH's event socket, a call-centre's CTI) posts when a call rings: the " +
            "line called (one of the setting hotline.numbers), the caller's number, the seat it is routed to and " +
            "the district whose desk it is routed to (`districtCode`; absent: the city's queue; a district without " +
            'a centre is a 422). API key with `hotline:call` (city level). The call pops the console of the operator ' +
            'signed in at the seat — or of every operator signed in on the line who may see it — over GET /api/stream. `externalId` (the ' +
            "telephony's call UUID) makes a repeat post the same call (`replayed`). 201 when the call is new, 200 when " +
            'the same call was posted before (as every replay on the platform answers); 409 when the id comes with another call.',
          body: CallPostBody,
          response: { 200: CallPosted, 201: CallPosted, ...commonErrors },
        },
      },
      async (request, reply) => {
        const call = await postCall(app.db, request.ctx, request.body);
        return reply.code(call.replayed ? 200 : 201).send(call);
      },
    );
    // The hang-up carries nothing but its path: a telephony that names JSON and sends no body (curl
    // -X POST -H 'content-type: application/json') is heard, in this scope only — elsewhere an
    // empty JSON body stays a 400 MALFORMED_JSON.
    await app.register(async (scope: App) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
        if (body === '') return done(null, undefined);
        try {
          return done(null, parseJsonBody(body as string));
        } catch (err) {
          return done(err as Error, undefined);
        }
      });
      scope.post(
        '/api/hotline/calls/:id/hangup',
        {
          config: { operation: 'hotline.calls.hangup' },
          schema: {
            tags,
            summary: 'The caller hung up (telephony) / 来电挂断',
            description: 'API key with `hotline:call`. A call nobody took becomes missed (未接).',
            params: IdParams,
            response: { 204: NoContent, ...commonErrors },
          },
        },
        async (request, reply) => {
          await hangUpCall(app.db, request.ctx, request.params.id);
          return reply.code(204).send(null);
        },
      );
    });

    // ---- the console ----------------------------------------------------------------------------
    app.get(
      '/api/hotline/calls',
      {
        config: { operation: 'hotline.calls.list' },
        schema: {
          tags,
          summary: 'Calls, newest first / 来电记录',
          description:
            "`hotline:answer`: the city's operators every desk's calls, a district's its desk's only. Callers' numbers in full " +
            "to the roles that call back (the cases' rule for a reporter's phone), masked to others.",
          querystring: CallListQuery,
          response: { 200: CallList, ...commonErrors },
        },
      },
      (request) => listCalls(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/hotline/calls/:id',
      {
        config: { operation: 'hotline.calls.get' },
        schema: {
          tags,
          summary: "A call and its caller's history / 来电详情与来电人历史",
          description:
            'The call, the earlier calls from the same number and the caller’s reports on any channel (by phone number) with their public status now — ' +
            "of the caller's scope: a district's operator gets its desk's calls and its district's cases only, and another desk's call is a 404.",
          params: IdParams,
          response: { 200: CallDetail, ...commonErrors },
        },
      },
      (request) => getCall(app.db, request.ctx, request.params.id),
    );
    app.post(
      '/api/hotline/calls/:id/answer',
      {
        config: { operation: 'hotline.calls.answer' },
        schema: {
          tags,
          summary: 'Take a ringing call / 接听',
          description: 'The first operator wins; another gets 409 naming who took it.',
          params: IdParams,
          body: VersionBody,
          response: { 200: HotlineCall, ...commonErrors },
        },
      },
      (request) => answerCall(app.db, request.ctx, request.params.id, request.body),
    );
    app.post(
      '/api/hotline/calls/:id/report',
      {
        config: { operation: 'hotline.calls.report' },
        schema: {
          tags,
          summary: 'Make a report on the call / 来电转上报',
          description:
            'Through the intake every channel uses (POST /api/reports: lookup, routing, duplicates) on the channel `hotline`, ' +
            "with the caller's number as the reporter contact, linked to the call. One report per call; the operator who took it. " +
            'Without a map point, the address places it: an open case of the type (given, or the classifier’s confident suggestion) at the same address in the operator’s area is joined; ' +
            'else the gazetteer’s one place for the address is used and checked for duplicates; else 422 asking for a map point.',
          params: IdParams,
          body: CallReportBody,
          response: { 201: CallReportResult, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await reportFromCall(app.db, request.ctx, spatial, request.params.id, request.body)),
    );
    app.post(
      '/api/hotline/calls/:id/finish',
      {
        config: { operation: 'hotline.calls.finish' },
        schema: {
          tags,
          summary: 'Record what the call was and finish it / 办结来电',
          description:
            'enquiry (answered from a knowledge-base entry or in a note), complaint or suggestion (a note), report (after POST …/report).',
          params: IdParams,
          body: CallFinishBody,
          response: { 200: HotlineCall, ...commonErrors },
        },
      },
      (request) => finishCall(app.db, request.ctx, request.params.id, request.body),
    );

    // ---- seats ------------------------------------------------------------------------------------
    app.get(
      '/api/hotline/seat',
      {
        config: { operation: 'hotline.seat.get' },
        schema: {
          tags,
          summary: 'My seat / 我的坐席',
          response: { 200: MySeat, ...commonErrors },
        },
      },
      (request) => mySeat(app.db, request.ctx),
    );
    app.put(
      '/api/hotline/seat',
      {
        config: { operation: 'hotline.seat.sign_in' },
        schema: {
          tags,
          summary: 'Sign in at a seat / 坐席签入',
          description: 'Calls routed to the seat (or, without a seat, on these lines) pop this console.',
          body: SeatBody,
          response: { 200: MySeat, ...commonErrors },
        },
      },
      (request) => signIn(app.db, request.ctx, request.body),
    );
    app.delete(
      '/api/hotline/seat',
      {
        config: { operation: 'hotline.seat.sign_out' },
        schema: {
          tags,
          summary: 'Sign out of my seat / 坐席签出',
          response: { 204: NoContent, ...commonErrors },
        },
      },
      async (request, reply) => {
        await signOut(app.db, request.ctx);
        return reply.code(204).send(null);
      },
    );

    // ---- the knowledge base ----------------------------------------------------------------------
    app.get(
      '/api/hotline/knowledge',
      {
        config: { operation: 'hotline.knowledge.list' },
        schema: {
          tags,
          summary: 'Search or list the knowledge base / 知识库检索',
          description:
            "With `q` (the caller's question): the matching entries, best first (grams of question, keywords and category, and of the answer). Without: by category and question.",
          querystring: KnowledgeListQuery,
          response: { 200: KnowledgeList, ...commonErrors },
        },
      },
      (request) => listKnowledge(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/hotline/knowledge/:id',
      {
        config: { operation: 'hotline.knowledge.get' },
        schema: {
          tags,
          summary: 'A knowledge entry / 知识条目',
          params: IdParams,
          response: { 200: KnowledgeEntry, ...commonErrors },
        },
      },
      (request) => getKnowledge(app.db, request.ctx, request.params.id),
    );
    app.post(
      '/api/hotline/knowledge',
      {
        config: { operation: 'hotline.knowledge.create' },
        schema: {
          tags,
          summary: 'Add a knowledge entry / 新建知识条目',
          description: '`knowledge:manage` at the city level.',
          body: KnowledgeBody,
          response: { 201: KnowledgeEntry, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await createKnowledge(app.db, request.ctx, request.body)),
    );
    app.put(
      '/api/hotline/knowledge/:id',
      {
        config: { operation: 'hotline.knowledge.update' },
        schema: {
          tags,
          summary: 'Change a knowledge entry / 修改知识条目',
          description:
            'With the version read (409 when it moved). Switch an entry off rather than delete it.',
          params: IdParams,
          body: KnowledgeUpdateBody,
          response: { 200: KnowledgeEntry, ...commonErrors },
        },
      },
      (request) => updateKnowledge(app.db, request.ctx, request.params.id, request.body),
    );
  };
