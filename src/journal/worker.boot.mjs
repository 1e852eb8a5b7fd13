// Entry of the journal writer thread: loads tsx so the worker runs the TypeScript source,
// as bin/polylab.mjs does for the main thread (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
