/**
 * What `loom worker` prints for an error of its BullMQ worker, in loom's
 * words where BullMQ's are about its internals. The one that comes up in
 * normal running: a worker frozen (or cut off) past its lease comes back and
 * offers its result, but the job was taken back meanwhile, so BullMQ's
 * moveToFinished refuses it with "Lock mismatch for job ID. Cmd moveToFinished
 * from active" (another worker holds the job now) or "Missing lock for job ID.
 * moveToFinished" (the job waits to run again). Nothing is lost: the run that
 * holds the lease gives the result that counts.
 */

const LATE_RESULT = /^(Lock mismatch|Missing lock) for job (.+?)\. (?:Cmd )?moveToFinished\b/;

/** The log line's text for a BullMQ worker error message (already scrubbed of secrets). */
export function workerErrorText(message: string): string {
  const late = LATE_RESULT.exec(message);
  if (late === null) return message;
  const where = late[1] === 'Lock mismatch' ? 'to another worker' : 'back to the queue, to run again';
  return `the result of job ${late[2]} came after its lease had passed ${where}: refused (the run that holds the lease gives the result)`;
}
