/**
 * The checker process started without a snapshot (none built yet, or it
 * failed): loads the compiler the ordinary way, then serves the kernel.
 */
import { serve } from './serve.js';

serve();
