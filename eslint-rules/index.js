/** The project's own ESLint rules (eslint.config.js registers them as `polylab/*`). */
import readOnlyNetwork from './read-only-network.js';

export default { meta: { name: 'polylab' }, rules: { 'read-only-network': readOnlyNetwork } };
