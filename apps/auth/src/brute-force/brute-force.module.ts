import { Module } from '@nestjs/common';
import { LoginThrottle } from './login-throttle.service.js';

/** Login throttling, used by the login flow. */
@Module({ providers: [LoginThrottle], exports: [LoginThrottle] })
export class BruteForceModule {}
