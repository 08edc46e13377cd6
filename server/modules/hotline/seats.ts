/**
 * Seats (坐席): an operator signs in at a seat — the agent extension the telephony routes calls to —
 * for the lines they answer there, and signs out. A ringing call pops the console of the operator
 * at its seat, or of every operator on its line (`targetsOf`). One operator per seat, one seat per
 * operator; signing in elsewhere leaves the old seat.
 */
import { eq } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { accountNames } from '../identity/index.ts';
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
  const seats = (await tx.select().from(hotlineSeat)).filter(
    (s) => s.lines.includes(line) && (s.districtCode === null || s.districtCode === districtCode),
  );
  const atSeat = seat ? seats.find((s) => s.seat === seat) : undefined;
  return atSeat ? [atSeat.userId] : seats.map((s) => s.userId).sort();
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
    if (held && held.userId !== me) {
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
