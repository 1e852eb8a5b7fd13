/** Types for the project's ESLint plugin (index.js), for the tests that load it. */
import type { ESLint } from 'eslint';

declare const plugin: ESLint.Plugin;
export default plugin;
