import type { Supervisor } from '../executor/supervisor.js';
import type { LanguageService } from '../checker/client.js';
import type { WireMessage } from '../wire/codec.js';
import type { Identity } from './builder.js';
import type { Cells } from './cells.js';
import type { History } from './history.js';
import type { IOPub } from './iopub.js';

/** What request handlers may use: the kernel's state and services, no sockets. */
export interface KernelContext {
  readonly identity: Identity;
  readonly iopub: IOPub;
  readonly executor: Supervisor;
  readonly language: LanguageService;
  readonly history: History;
  readonly cells: Cells;
  /** The number of the last cell executed with store_history. */
  executionCount: number;
  /** Sends a message on the stdin channel (input requests). */
  sendStdin(message: WireMessage<object>): void;
  /** Exits after the current reply has been sent. */
  shutdown(restart: boolean): void;
}
