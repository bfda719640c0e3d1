/**
 * Refuses a signature it has seen before. A signed message sent again byte for
 * byte (by anyone who can read the loopback traffic) would otherwise run its
 * cell a second time; jupyter_client's Session keeps a digest history for the
 * same reason. Our clients never repeat one: every message has a fresh msg_id.
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();

  /** @param limit signatures remembered; the oldest is forgotten first. */
  constructor(private readonly limit = 1 << 16) {}

  /** True the first time a signature is seen, false ever after (while it is remembered). */
  firstSight(signature: Buffer): boolean {
    const key = signature.toString('latin1');
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.limit) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}
