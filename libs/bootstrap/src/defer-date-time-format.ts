// Side effect only: imported by each service's main right after reflect-metadata, before NestJS
// loads (see date-time-format-deferral.ts for why). openProcessContext undoes it.
import { deferDateTimeFormat } from './date-time-format-deferral.js';

deferDateTimeFormat();
