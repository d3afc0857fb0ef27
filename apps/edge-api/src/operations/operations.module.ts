import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module.js';
import type { Operation } from './operation.js';
import { OperationInvoker } from './operation-invoker.service.js';
import { OperationSchemas } from './operation-schemas.js';
import { OperationsHttpController, defineOperationRoutes } from './operations.http.controller.js';

export const OPERATION_TABLE = Symbol('OPERATION_TABLE');

/** The public operations on REST (and, through OperationInvoker, on GraphQL). */
@Module({})
export class OperationsModule {
  static register(operations: readonly Operation[]): DynamicModule {
    defineOperationRoutes(operations);
    return {
      module: OperationsModule,
      imports: [AuthenticationModule],
      controllers: [OperationsHttpController],
      providers: [
        OperationInvoker,
        { provide: OperationSchemas, useValue: new OperationSchemas(operations) },
        { provide: OPERATION_TABLE, useValue: operations },
      ],
      exports: [OperationInvoker, OperationSchemas, OPERATION_TABLE],
    };
  }
}
