// For worker threads started by tests: jest compiles the TypeScript it runs itself (@swc/jest), but
// a worker thread is plain Node, which would find no `.js` beside the sources. Given to the worker
// as `--import`, this compiles the sources it loads the same way.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
