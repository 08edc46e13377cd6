import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CaseEventSubject } from '../../common/events.ts';
import { systemContext } from './context.ts';
import type { Db } from './db.ts';
import {
  type Emission,
  emit,
  emitAll,
  type Published,
  type Subscriber,
  SubscriberRegistry,
} from './subscribers.ts';

// Subscribers get the writer's transaction; these tests only pass it along.
const tx = {} as Db;
const ctx = systemContext('test');
const subject = (caseId: string, deliverTo: string | null = null): CaseEventSubject => ({
  caseId,
  deliverTo,
  notices: [],
});
const ev = <A extends Published['action']>(eventId: number, action: A, caseId = `c${eventId}`) =>
  ({ eventId, action, subject: subject(caseId) }) as Published<A>;

describe('registration', () => {
  it('hands each subscriber the events of its actions only, once per publication, in order', async () => {
    const r = new SubscriberRegistry();
    const seen: string[] = [];
    r.subscribe('dispatches', ['case.dispatch', 'case.re_dispatch'], async (_tx, events) => {
      seen.push(`dispatches:${events.map((e) => `${e.eventId}/${e.action}`).join(',')}`);
    });
    r.subscribe('warnings', ['case.stage_warning'], async (_tx, events) => {
      seen.push(`warnings:${events.map((e) => e.eventId).join(',')}`);
    });
    await r.publish(tx, ctx, [
      ev(1, 'case.dispatch'),
      ev(2, 'case.stage_warning'),
      ev(3, 'case.re_dispatch'),
    ]);
    expect(seen).toEqual(['dispatches:1/case.dispatch,3/case.re_dispatch', 'warnings:2']);
    seen.length = 0;
    await r.publish(tx, ctx, [ev(4, 'case.stage_warning')]);
    expect(seen).toEqual(['warnings:4']);
  });

  it('gives the subscriber the transaction, the event id and subject, and the context', async () => {
    const r = new SubscriberRegistry();
    const got: unknown[] = [];
    r.subscribe('one', ['case.dispatch'], async (t, events, c) => {
      got.push(t, events, c);
    });
    const e = { eventId: 7, action: 'case.dispatch', subject: subject('c7', 'u1') } as const;
    await r.publish(tx, ctx, [e]);
    expect(got).toEqual([tx, [e], ctx]);
    expect(got[0]).toBe(tx);
    expect(got[2]).toBe(ctx);
  });

  it('is idempotent under one name and one handler; another handler under that name is refused', async () => {
    const r = new SubscriberRegistry();
    let calls = 0;
    const handler: Subscriber<'case.dispatch'> = async () => {
      calls++;
    };
    r.subscribe('inbox', ['case.dispatch'], handler);
    r.subscribe('inbox', ['case.dispatch'], handler);
    await r.publish(tx, ctx, [ev(1, 'case.dispatch')]);
    expect(calls).toBe(1);
    expect(r.subscribersOf('case.dispatch')).toEqual(['inbox']);
    expect(() => r.subscribe('inbox', ['case.dispatch'], async () => {})).toThrow(/already subscribed/);
    expect(() =>
      r.subscribe(
        'inbox',
        ['case.dispatch', 'case.sign'],
        handler as Subscriber<'case.dispatch' | 'case.sign'>,
      ),
    ).toThrow(/already subscribed/);
  });

  it('unsubscribes', async () => {
    const r = new SubscriberRegistry();
    const seen: string[] = [];
    r.subscribe('kept', ['case.sign'], async () => {
      seen.push('kept');
    });
    const off = r.subscribe('gone', ['case.sign'], async () => {
      seen.push('gone');
    });
    off();
    await r.publish(tx, ctx, [ev(1, 'case.sign')]);
    expect(seen).toEqual(['kept']);
    expect(r.subscribersOf('case.sign')).toEqual(['kept']);
  });

  it('refuses undeclared actions and empty subscriptions at run time (a cast gets past the compiler)', () => {
    const r = new SubscriberRegistry();
    expect(() => r.subscribe('x', ['case.nope' as 'case.sign'], async () => {})).toThrow(
      /undeclared actions case\.nope/,
    );
    expect(() => r.subscribe('x', ['user.create' as 'case.sign'], async () => {})).toThrow(/undeclared/);
    expect(() => r.subscribe('x', [], async () => {})).toThrow(/no action/);
    expect(r.subscribersOf('case.sign')).toEqual([]);
  });

  it('fails closed: an event nobody subscribes to is a wiring error, before any subscriber runs', async () => {
    const r = new SubscriberRegistry();
    let ran = false;
    r.subscribe('signs', ['case.sign'], async () => {
      ran = true;
    });
    await expect(r.publish(tx, ctx, [ev(1, 'case.sign'), ev(2, 'case.close')])).rejects.toThrow(
      /nobody subscribes to case\.close/,
    );
    expect(ran).toBe(false);
  });
});

describe('order', () => {
  it('runs subscriptions one after another in the order they were made', async () => {
    const r = new SubscriberRegistry();
    const log: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      r.subscribe(name, ['case.dispatch'], async () => {
        log.push(`${name} start`);
        // The next one must not start before this one is done (one transaction, one connection).
        await new Promise((resolve) => setTimeout(resolve, name === 'first' ? 20 : 1));
        log.push(`${name} end`);
      });
    }
    expect(r.subscribersOf('case.dispatch')).toEqual(['first', 'second', 'third']);
    await r.publish(tx, ctx, [ev(1, 'case.dispatch')]);
    expect(log).toEqual([
      'first start',
      'first end',
      'second start',
      'second end',
      'third start',
      'third end',
    ]);
  });

  it('stops at a subscriber that throws and rejects with its error (the writer rolls back)', async () => {
    const r = new SubscriberRegistry();
    const log: string[] = [];
    r.subscribe('before', ['case.dispatch'], async () => {
      log.push('before');
    });
    r.subscribe('broken', ['case.dispatch'], async () => {
      throw new Error('boom');
    });
    r.subscribe('after', ['case.dispatch'], async () => {
      log.push('after');
    });
    await expect(r.publish(tx, ctx, [ev(1, 'case.dispatch')])).rejects.toThrow('boom');
    expect(log).toEqual(['before']);
  });

  it('a subscriber that unsubscribes while running does not make the next one skip', async () => {
    const r = new SubscriberRegistry();
    const log: string[] = [];
    const off = r.subscribe('once', ['case.sign'], async () => {
      log.push('once');
      off();
    });
    r.subscribe('always', ['case.sign'], async () => {
      log.push('always');
    });
    await r.publish(tx, ctx, [ev(1, 'case.sign')]);
    await r.publish(tx, ctx, [ev(2, 'case.sign')]);
    expect(log).toEqual(['once', 'always', 'always']);
  });
});

describe('typed by common/events.ts', () => {
  it('a subscriber receives its actions and their subjects', () => {
    const r = new SubscriberRegistry();
    r.subscribe('typed', ['case.dispatch', 'case.stage_overdue'], async (_tx, events) => {
      expectTypeOf(events[0].action).toEqualTypeOf<'case.dispatch' | 'case.stage_overdue'>();
      expectTypeOf(events[0].subject).toEqualTypeOf<CaseEventSubject>();
      expectTypeOf(events[0].eventId).toEqualTypeOf<number>();
    });
    expectTypeOf<Published<'case.report'>['subject']>().toEqualTypeOf<CaseEventSubject>();
  });

  it('an undeclared action or a wrong subject does not compile', () => {
    const r = new SubscriberRegistry();
    // Never called: these lines are checked by the compiler (npm run typecheck), not run.
    const unchecked = async () => {
      // @ts-expect-error — not an action of common/events.ts
      r.subscribe('x', ['case.nope'], async () => {});
      // @ts-expect-error — an audit action without subscribers is not subscribable
      r.subscribe('x', ['user.create'], async () => {});
      await emit(
        tx,
        ctx,
        { action: 'case.dispatch', entityType: 'case', entityId: null, districtCode: null },
        // @ts-expect-error — the subject of a case event names its case
        { deliverTo: null, notices: [] },
      );
      await emit(
        tx,
        ctx,
        // @ts-expect-error — not an action of common/events.ts
        { action: 'case.nope', entityType: 'case', entityId: null, districtCode: null },
        subject('c'),
      );
      const wrong: Emission<'case.stage_warning'> = {
        event: { action: 'case.stage_warning', entityType: 'case', entityId: 'c', districtCode: null },
        // @ts-expect-error — notices are notices, not user ids
        subject: { caseId: 'c', deliverTo: null, notices: ['user-1'] },
      };
      await emitAll(tx, ctx, [wrong]);
      await r.publish(tx, ctx, [
        // @ts-expect-error — a published event carries its subject
        { eventId: 1, action: 'case.sign' },
      ]);
    };
    expect(typeof unchecked).toBe('function');
  });
});
