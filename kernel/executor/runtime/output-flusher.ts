/** The flusher thread (see output-buffer.ts): writes the executor's queued frames to the kernel. */
import { workerData } from 'node:worker_threads';
import { OutputBuffer } from './output-buffer.js';

new OutputBuffer(workerData.shared as SharedArrayBuffer).runFlusher();
