// The worker thread that checks one half of an export (export-halves.ts): its task in, its verdict out.
import { parentPort, workerData } from 'node:worker_threads';
import { checkHalf, type HalfTask } from './export-half.js';

parentPort!.postMessage(await checkHalf(workerData as HalfTask));
