import { Module } from '@nestjs/common';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { LoginThrottle } from './login-throttle.service.js';

/**
 * Login throttling, used by the login flow and the checks of a current password. Stale counters
 * are purged by the platform's retention job, from their declaration (throttle-personal-data.ts).
 */
@Module({ providers: [LoginThrottleRepository, LoginThrottle], exports: [LoginThrottle] })
export class BruteForceModule {}
