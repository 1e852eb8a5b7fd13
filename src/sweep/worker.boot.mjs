// Entry of a sweep worker thread: loads tsx so the worker runs the TypeScript source, as
// bin/polylab.mjs does for the main thread (worker threads do not inherit the loader).
import { register } from 'tsx/esm/api';

register();
const { runJob } = await import('./runJob.ts');

export default runJob;
