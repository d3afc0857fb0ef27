// Stage 8: the caller gets the answer with its own values back in place of the placeholders; a
// placeholder the model made up is left as written and counted. Streamed answers are re-identified
// as they come, holding back only what could still become a placeholder.
import { Injectable } from '@nestjs/common';
import type { PlaceholderMap } from '../../pseudonymisation/placeholder-map.js';
import { Reidentifier } from '../../pseudonymisation/reidentifier.js';
import { StreamingReidentifier } from '../../pseudonymisation/streaming-reidentifier.js';

@Injectable()
export class ReidentifyStage {
  run(answer: string, map: PlaceholderMap): { text: string; invented: number } {
    const { text, invented } = new Reidentifier(map).reidentify(answer);
    return { text, invented };
  }

  streaming(map: PlaceholderMap): StreamingReidentifier {
    return new StreamingReidentifier(new Reidentifier(map));
  }
}
