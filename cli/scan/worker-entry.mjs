// Worker threads start without the TypeScript loader the CLI (tsx) or the test runner (vitest) gave the main
// thread: register tsx here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
