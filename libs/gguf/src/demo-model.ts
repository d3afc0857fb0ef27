// The demo model: a GGUF file the project writes itself (no download, ever), small enough to load in
// milliseconds, deterministic, and not a language model. It is a character bigram machine: after a
// letter it writes the next letters of the alphabet and stops after "z"; after a digit, the next
// digits, stopping after "9"; after anything else, the alphabet from "a". That makes generation,
// streaming, stop sequences and token counts assertable in tests, and says plainly to whoever chats
// with it that its answers are not language. Its embeddings are the mean of its characters'
// vectors, so texts sharing letters are closer than texts that share none.
//
// Architecture `llama` (2 blocks, 64 wide, 4 heads, 2 key/value heads): token embeddings are
// seeded random unit vectors; each output row is the sum of the embeddings of the tokens it
// follows, scaled so that the next character wins by a wide margin even when sampling at
// temperature 1; every block weight is tiny noise, so the residual stream carries the current
// character's embedding to the output.
import { writeGguf, type GgufTensor, type GgufWritableValue } from './gguf-writer.js';

export const DEMO_MODEL = {
  id: 'gardien-demo',
  file: 'gardien-demo.gguf',
  contextLength: 512,
  embeddingLength: 64,
  description: 'Modèle de démonstration de Gardien (écrit par le projet) : ses réponses ne sont pas du langage / Gardien demo model: its answers are not language',
} as const;

const WIDTH = DEMO_MODEL.embeddingLength;
const BLOCKS = 2;
const FEED_FORWARD = 128;
const HEADS = 4;
const KV_HEADS = 2;
const HEAD_DIM = WIDTH / HEADS;
const OUTPUT_SCALE = 4;
const NOISE = 1e-3;

const DEMO_CHAT_TEMPLATE = "{% for message in messages %}{% if not loop.first %}\n{% endif %}{{ message['content'] }}{% endfor %}";

const TYPE_NORMAL = 1;
const TYPE_UNKNOWN = 2;
const TYPE_CONTROL = 3;
const TYPE_BYTE = 6;

interface Vocabulary {
  tokens: string[];
  types: number[];
  scores: number[];
}

/** `<unk>`, `<s>`, `</s>`, the 256 byte tokens, printable ASCII (space as ▁), then ▁a..▁z. */
function vocabulary(): Vocabulary {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TYPE_UNKNOWN, TYPE_CONTROL, TYPE_CONTROL];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TYPE_BYTE);
  }
  for (let code = 0x20; code <= 0x7e; code += 1) {
    tokens.push(code === 0x20 ? '\u2581' : String.fromCharCode(code));
    types.push(TYPE_NORMAL);
  }
  for (let code = 0x61; code <= 0x7a; code += 1) {
    tokens.push(`\u2581${String.fromCharCode(code)}`);
    types.push(TYPE_NORMAL);
  }
  // Longer pieces score higher, so that "▁a" is preferred to "▁" then "a"; bytes come last.
  const scores = tokens.map((token, index) => (types[index] === TYPE_NORMAL ? -1 / token.length : -1000));
  return { tokens, types, scores };
}

/** mulberry32: a small seeded generator, so that the file is the same bytes on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function unitVector(random: () => number): Float32Array {
  const vector = new Float32Array(WIDTH).map(() => random() * 2 - 1);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** The token each token leads to: the index of `</s>` (2) ends the answer. */
function successors(tokens: readonly string[]): number[] {
  const index = new Map(tokens.map((token, position) => [token, position]));
  const end = 2;
  const first = index.get('a')!;
  return tokens.map((token) => {
    const character = token.startsWith('\u2581') && token.length === 2 ? token[1]! : token;
    if (character.length !== 1) return first;
    if (character >= 'a' && character < 'z') return index.get(String.fromCharCode(character.charCodeAt(0) + 1))!;
    if (character >= '0' && character < '9') return index.get(String.fromCharCode(character.charCodeAt(0) + 1))!;
    if (character === 'z' || character === '9') return end;
    return first;
  });
}

function noise(random: () => number, length: number): Float32Array {
  return new Float32Array(length).map(() => (random() * 2 - 1) * NOISE);
}

/** The demo model's bytes: the same on every call and every machine. */
export function buildDemoModel(): Buffer {
  const random = seededRandom(0x6761_7264);
  const { tokens, types, scores } = vocabulary();
  const size = tokens.length;
  // Letters and digits get their own directions; everything else shares one, so that the many
  // tokens leading to "a" do not add up to a competitor of every other successor.
  const shared = unitVector(random);
  const chained = (token: string) => /^(\u2581?[a-z]|[0-9])$/.test(token);
  const embeddings = tokens.map((token) => (chained(token) ? unitVector(random) : shared));
  const next = successors(tokens);
  const tokenEmbedding = new Float32Array(size * WIDTH);
  const output = new Float32Array(size * WIDTH);
  const leadsTo = new Map<number, Float32Array>();
  embeddings.forEach((vector, token) => {
    tokenEmbedding.set(vector, token * WIDTH);
    // One shared direction counts once for "a", however many tokens carry it.
    if (!chained(tokens[token]!) && leadsTo.has(next[token]!)) return;
    const row = leadsTo.get(next[token]!) ?? new Float32Array(WIDTH);
    vector.forEach((value, dim) => (row[dim]! += value * OUTPUT_SCALE));
    leadsTo.set(next[token]!, row);
  });
  for (const [token, row] of leadsTo) output.set(row, token * WIDTH);

  const ones = (length: number) => new Float32Array(length).fill(1);
  const tensors: GgufTensor[] = [{ name: 'token_embd.weight', dims: [WIDTH, size], data: tokenEmbedding }];
  for (let block = 0; block < BLOCKS; block += 1) {
    const name = (part: string) => `blk.${block}.${part}.weight`;
    tensors.push(
      { name: name('attn_norm'), dims: [WIDTH], data: ones(WIDTH) },
      { name: name('attn_q'), dims: [WIDTH, WIDTH], data: noise(random, WIDTH * WIDTH) },
      { name: name('attn_k'), dims: [WIDTH, HEAD_DIM * KV_HEADS], data: noise(random, WIDTH * HEAD_DIM * KV_HEADS) },
      { name: name('attn_v'), dims: [WIDTH, HEAD_DIM * KV_HEADS], data: noise(random, WIDTH * HEAD_DIM * KV_HEADS) },
      { name: name('attn_output'), dims: [WIDTH, WIDTH], data: noise(random, WIDTH * WIDTH) },
      { name: name('ffn_norm'), dims: [WIDTH], data: ones(WIDTH) },
      { name: name('ffn_gate'), dims: [WIDTH, FEED_FORWARD], data: noise(random, WIDTH * FEED_FORWARD) },
      { name: name('ffn_up'), dims: [WIDTH, FEED_FORWARD], data: noise(random, WIDTH * FEED_FORWARD) },
      { name: name('ffn_down'), dims: [FEED_FORWARD, WIDTH], data: noise(random, FEED_FORWARD * WIDTH) },
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [WIDTH], data: ones(WIDTH) }, { name: 'output.weight', dims: [WIDTH, size], data: output });

  const metadata: Array<[string, GgufWritableValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: DEMO_MODEL.id }],
    ['general.file_type', { type: 'u32', value: 0 }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: DEMO_MODEL.contextLength }],
    ['llama.embedding_length', { type: 'u32', value: WIDTH }],
    ['llama.block_count', { type: 'u32', value: BLOCKS }],
    ['llama.feed_forward_length', { type: 'u32', value: FEED_FORWARD }],
    ['llama.attention.head_count', { type: 'u32', value: HEADS }],
    ['llama.attention.head_count_kv', { type: 'u32', value: KV_HEADS }],
    ['llama.rope.dimension_count', { type: 'u32', value: HEAD_DIM }],
    ['llama.rope.freq_base', { type: 'f32', value: 10_000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: size }],
    ['llama.pooling_type', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'strings', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32s', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: types }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    // The messages one after the other, nothing after the last: the answer continues its last character.
    ['tokenizer.chat_template', { type: 'string', value: DEMO_CHAT_TEMPLATE }],
  ];
  return writeGguf(metadata, tensors);
}
