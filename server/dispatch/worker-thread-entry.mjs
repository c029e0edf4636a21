// The worker thread's entry: a thread does not inherit the TypeScript
// loader of `node --import tsx`, so it loads its module through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker-thread.ts', import.meta.url);
