/** The senders by kind: an endpoint's `sender` column picks one (senders/sender.ts). */
import { open311Sender } from './open311.ts';
import type { Sender, SenderKind } from './sender.ts';
import { webhookSender } from './webhook.ts';

export const SENDERS: Readonly<Record<SenderKind, Sender>> = {
  webhook: webhookSender,
  open311: open311Sender,
};

/** The sender of a stored kind; undefined for a kind this build does not know. */
export function senderFor(kind: string): Sender | undefined {
  return Object.hasOwn(SENDERS, kind) ? SENDERS[kind as SenderKind] : undefined;
}
