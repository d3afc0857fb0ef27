import { Module } from '@nestjs/common';
import { JwksMessageController } from './jwks.message.controller.js';
import { SigningKeysRepository } from './signing-keys.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

@Module({
  controllers: [JwksMessageController],
  providers: [SigningKeysRepository, SigningKeysService],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
