// Validates a bus payload against its contract schema; a failure becomes VALIDATION_FAILED.
import { Injectable, type PipeTransform } from '@nestjs/common';
import { parsePayload } from '@gardien/contracts';
import type { z } from 'zod';

@Injectable()
export class ZodPayloadPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parsePayload(this.schema, value);
  }
}
