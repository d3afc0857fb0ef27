import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module.js';
import { GraphqlHttpController } from './graphql.http.controller.js';
import { GraphqlSurface } from './graphql-surface.service.js';

/** GraphQL at POST /graphql, over the same operations as REST (`operations`: the OperationsModule of the app). */
@Module({})
export class GraphqlModule {
  static register(operations: DynamicModule): DynamicModule {
    return { module: GraphqlModule, imports: [operations, AuthenticationModule], controllers: [GraphqlHttpController], providers: [GraphqlSurface] };
  }
}
