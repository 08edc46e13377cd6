/**
 * Seats (坐席): an operator signs in at a seat — the agent extension the telephony routes calls to —
 * for the lines they answer there, and signs out. A ringing call pops the console of the operator
 * at its seat, or of every operator on its line (`targetsOf`). One operator per seat, one seat per
 * operator; signing in elsewhere leaves the old seat. A seat is held only while its operator is
 * signed in to the platform: one who signed out, was disabled or whose session lapsed gets no pops,
 * holds no call at the seat, and the next operator who signs in there takes the seat over.
 */
import { eq } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { accountNames, usersSignedIn } from '../identity/index.ts';
import { hotlineLines } from './lines.ts';
import { requireAnswer } from './policy.ts';
import type { SeatBodyT } from './schemas.ts';
import { hotlineSeat } from './tables.ts';

/**
 * Whose console a call on `line` routed to `seat` pops: the operator signed in at that seat when
 * they answer the line there; otherwise (no seat named, nobody there, or not on that line) every
 * operator signed in on the line — of those who may see the call (the city's operators and, for a
 * call routed to a district, that district's). Empty when nobody is: the call waits in the list.
 */
export async function targetsOf(
  tx: Db,
  line: string,
  seat: string | undefined,
  districtCode: string | null,
): Promise<string[]> {
  // Only seats whose operator may see the call: the city's, and the call's district's.
  const onLine = (await tx.select().from(hotlineSeat)).filter(
    (s) => s.lines.includes(line) && (s.districtCode === null || s.districtCode === districtCode),
  );
  // …and who is still signed in: a seat left without signing out pops nobody's console.
  const present = await usersSignedIn(
    tx,
    onLine.map((s) => s.userId),
  );
  const seats = onLine.filter((s) => present.has(s.userId));
  const atSeat = seat ? seats.find((s) => s.seat === seat) : undefined;
  return atSeat ? [atSeat.userId] : seats.map((s) => s.userId).sort();
}

/**
 * A call the telephony put through to a seat rings at that seat's phone: while an operator sits
 * there on the call's line, only they take it (another operator "answering" it on screen would
 * take the call from the one who has the caller on the line). A call to no seat, to an empty seat
 * or to a seat not on its line waits for whoever is on the line.
 */
export async function mayTakeAtSeat(
  tx: Db,
  call: { seat: string | null; line: string },
  me: string,
): Promise<void> {
  if (!call.seat) return;
  const [held] = await tx.select().from(hotlineSeat).where(eq(hotlineSeat.seat, call.seat));
  if (!held || held.userId === me || !held.lines.includes(call.line)) return;
  if (!(await usersSignedIn(tx, [held.userId])).has(held.userId)) return;
  const by = (await accountNames(tx, [held.userId])).get(held.userId)?.name ?? held.userId;
  throw new AppError('CONFLICT', {
    zh: `该来电已转接至坐席 ${call.seat}（${by}），由该坐席接听`,
    en: `The call was put through to seat ${call.seat} (${by}); it is answered there`,
    details: [{ field: 'seat', message: call.seat }],
  });
}

function personOf(actor: Actor): string {
  if (actor.type !== 'user' || !actor.id) {
    throw new AppError('FORBIDDEN', {
      zh: '只有话务员本人可以签入坐席',
      en: 'Only an operator signs in at a seat',
    });
  }
  return actor.id;
}

const toSeat = (s: typeof hotlineSeat.$inferSelect | undefined) =>
  s ? { seat: s.seat, lines: s.lines, signedInAt: s.signedInAt.toISOString() } : null;

/** `GET /api/hotline/seat`: the caller's seat (or null) and the lines a seat may answer. */
export async function mySeat(db: Db, ctx: RequestContext) {
  requireAnswer(ctx.actor);
  const me = personOf(ctx.actor);
  const [s] = await db.select().from(hotlineSeat).where(eq(hotlineSeat.userId, me));
  return { seat: toSeat(s), lines: await hotlineLines(db) };
}

/** `PUT /api/hotline/seat`: sign in at a seat for some lines (leaving any other seat). */
export async function signIn(db: Db, ctx: RequestContext, body: SeatBodyT) {
  requireAnswer(ctx.actor);
  const me = personOf(ctx.actor);
  const lines = await hotlineLines(db);
  const unknown = body.lines.filter((l) => !lines.includes(l));
  if (unknown.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `不是本市热线号码：${unknown.join('、')}（可用：${lines.join('、')}）`,
      en: `Not one of the hotline's numbers: ${unknown.join(', ')} (known: ${lines.join(', ')})`,
      details: [{ field: 'body.lines', message: `one of ${lines.join(', ')}` }],
    });
  }
  await db.transaction(async (tx) => {
    const [held] = await tx.select().from(hotlineSeat).where(eq(hotlineSeat.seat, body.seat)).for('update');
    // Left by an operator who is no longer signed in: free it (on the record) and sit down.
    if (held && held.userId !== me && !(await usersSignedIn(tx, [held.userId])).has(held.userId)) {
      await tx.delete(hotlineSeat).where(eq(hotlineSeat.seat, held.seat));
      await recordEvent(tx, ctx, {
        action: 'hotline.seat_out',
        entityType: 'hotline_seat',
        entityId: held.seat,
        districtCode: held.districtCode,
        before: { seat: held.seat, lines: held.lines, userId: held.userId },
        after: { seat: null },
        reason: '坐席原签入人已退出登录 / the operator at the seat is no longer signed in',
      });
    } else if (held && held.userId !== me) {
      const by = (await accountNames(tx, [held.userId])).get(held.userId)?.name ?? held.userId;
      throw new AppError('CONFLICT', {
        zh: `坐席 ${body.seat} 已由${by}签入`,
        en: `Seat ${body.seat} is taken by ${by}`,
        details: [{ field: 'body.seat', message: body.seat }],
      });
    }
    await tx.delete(hotlineSeat).where(eq(hotlineSeat.userId, me));
    const districtCode = ctx.actor.scope.kind === 'district' ? ctx.actor.scope.districtCode : null;
    await tx.insert(hotlineSeat).values({ seat: body.seat, userId: me, lines: body.lines, districtCode });
    await recordEvent(tx, ctx, {
      action: 'hotline.seat_in',
      entityType: 'hotline_seat',
      entityId: body.seat,
      districtCode,
      after: { seat: body.seat, lines: body.lines },
    });
  });
  return mySeat(db, ctx);
}

/** `DELETE /api/hotline/seat`: sign out (nothing to do when not signed in). */
export async function signOut(db: Db, ctx: RequestContext): Promise<void> {
  requireAnswer(ctx.actor);
  const me = personOf(ctx.actor);
  await db.transaction(async (tx) => {
    const gone = await tx.delete(hotlineSeat).where(eq(hotlineSeat.userId, me)).returning();
    if (gone.length === 0) return;
    await recordEvent(tx, ctx, {
      action: 'hotline.seat_out',
      entityType: 'hotline_seat',
      entityId: gone[0].seat,
      districtCode: gone[0].districtCode,
      before: { seat: gone[0].seat, lines: gone[0].lines },
      after: { seat: null },
    });
  });
}
