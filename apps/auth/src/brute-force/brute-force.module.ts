import { Module } from '@nestjs/common';
import { LoginThrottle } from './login-throttle.service.js';
import { ThrottleJanitor } from './throttle-janitor.js';

/** Login throttling, used by the login flow, and the sweep that forgets stale counters. */
@Module({ providers: [LoginThrottle, ThrottleJanitor], exports: [LoginThrottle] })
export class BruteForceModule {}
