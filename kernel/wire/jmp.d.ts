// jmp ships no types; this declares the part of its Message we use.
declare module 'jmp' {
  export interface MessageProperties {
    idents?: Buffer[];
    header?: object;
    parent_header?: object;
    metadata?: object;
    content?: object;
    buffers?: Buffer[];
  }
  export class Message {
    constructor(properties?: MessageProperties);
    idents: Buffer[];
    header: Record<string, unknown>;
    parent_header: Record<string, unknown>;
    metadata: Record<string, unknown>;
    content: Record<string, unknown>;
    buffers: Buffer[];
    /** Returns null when the frames are not a Jupyter message (or the signature is wrong). */
    static _decode(frames: Buffer[], scheme?: string, key?: string): Message | null;
    _encode(scheme?: string, key?: string): Array<string | Buffer>;
  }
}
