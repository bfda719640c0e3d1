import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs and verifies Jupyter messages: HMAC over header, parent header,
 * metadata and content, as the connection file's key and scheme say.
 * An empty key means "no authentication", as in Jupyter.
 */
export class Signer {
  readonly algorithm: string;

  constructor(
    readonly scheme: string,
    /** Needed by jmp's encoder; never logged. */
    readonly key: string,
  ) {
    this.algorithm = scheme.replace(/^hmac-/, '');
    // Fail at start-up, not on the first message, if the scheme is unknown.
    createHmac(this.algorithm, 'probe');
  }

  get enabled(): boolean {
    return this.key !== '';
  }

  sign(parts: ReadonlyArray<Buffer | string>): string {
    if (!this.enabled) return '';
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }

  /** Constant-time comparison, so the time taken says nothing about the right signature. */
  verify(signature: Buffer, parts: ReadonlyArray<Buffer>): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), 'latin1');
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}
