import { Module } from '@nestjs/common';
import { PurposesMessageController } from './purposes.message.controller.js';
import { PurposesRepository } from './purposes.repository.js';
import { PurposesService } from './purposes.service.js';

/** The purposes of processing each tenant declares (`POST /api/v1/purposes`). */
@Module({ controllers: [PurposesMessageController], providers: [PurposesRepository, PurposesService], exports: [PurposesRepository] })
export class PurposesModule {}
