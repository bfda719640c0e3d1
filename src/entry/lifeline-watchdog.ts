/** The watchdog thread of a process started with a lifeline (see ../lifeline.ts): ends the process when its parent dies. */
import { watchLifeline } from '../internal/lifeline.js';

watchLifeline();
