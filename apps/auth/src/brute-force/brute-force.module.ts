import { Module } from '@nestjs/common';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottle } from './login-throttle.service.js';
import { ThrottleJanitor } from './throttle-janitor.js';

/** Login throttling, used by the login flow and the checks of a current password, and the sweep that forgets stale counters. */
@Module({ providers: [LoginThrottleRepository, LoginThrottle, ThrottleJanitor], exports: [LoginThrottle] })
export class BruteForceModule {}
