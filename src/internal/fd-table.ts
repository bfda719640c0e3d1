/**
 * The file descriptors of a process started to run code for a parent: a loom
 * child process (internal/hub/child.ts spawns it) and the loom kernel's
 * executor (kernel/executor/supervisor.ts). One table, so that a number means
 * one thing in both:
 *
 *   fd 0  stdin: a loom child's reads /dev/null (as Python's children do);
 *         the executor's is a pipe the kernel never writes
 *   fd 1, 2  stdout and stderr
 *   fd 3  CONTROL_FD, the parent's channel: a loom child's socket to its hub
 *         (frames both ways, internal/hub/protocol.ts); the executor's Node
 *         IPC (the kernel's commands, kernel/executor/messages.ts)
 *   fd 4  LIFELINE_FD: the parent holds it open and never writes it; EOF
 *         means the parent died, and a thread of the child then ends the
 *         child (lifeline.ts)
 *   fd 5  FRAMES_FD: the executor's frames to the kernel (a loom child sends
 *         its own on fd 3)
 *   fd 6  INPUT_FD: the kernel's answers to the executor's input() prompts
 */

export const CONTROL_FD = 3;
export const LIFELINE_FD = 4;
export const FRAMES_FD = 5;
export const INPUT_FD = 6;
