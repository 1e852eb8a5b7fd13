/**
 * Imported first by main.ts: zod decides at schema construction whether to compile parsers
 * with `new Function`, probing once, and the page's CSP (no 'unsafe-eval') reports that
 * probe as an error. Jitless parsing is plenty for a few thousand frames a second.
 */
import { z } from 'zod';

z.config({ jitless: true });
