// How many tokens a prompt may count before the runtime has counted them: what a call reserves
// of its quotas and what is checked against the model's context. Tokenisers of the models served
// here cut French and English text into at least 3 characters per token on average; a message
// costs a few tokens of framing on top (its role and delimiters in the chat template). The real
// count replaces the estimate once the runtime reports it.
//
// The estimate is an average, and text can cost more: emoji, rare scripts or random strings take
// several tokens a character. Where a prompt must fit the model's context whatever it holds (the
// retrieved chunks added to the caller's prompt: retrieved-context.ts), the bound is its UTF-8
// bytes: the tokenizers llama.cpp runs (byte-level BPE, SentencePiece with byte fallback) make at
// most one token of each byte, a byte-fallback token being one byte and any other token at least
// one, plus a few tokens the template adds around each message and the prompt (a beginning of
// sequence, a role header, an end of turn), bounded here by FRAMING_TOKENS_*.
import { Buffer } from 'node:buffer';

const CHARS_PER_TOKEN = 3;
const TOKENS_PER_MESSAGE = 4;

/** The most tokens the chat template adds around one message: its role header and end of turn (5 in ChatML, Llama 3, Gemma; fewer in Mistral's and Phi's). */
export const FRAMING_TOKENS_PER_MESSAGE = 8;
/** The most tokens the template adds once to a prompt: the beginning of sequence, the answer's header, a line of its own (Llama 3.1's dates, about 25). */
export const FRAMING_TOKENS_PER_PROMPT = 32;

export function estimatePromptTokens(texts: readonly string[]): number {
  let chars = 0;
  for (const text of texts) chars += text.length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * texts.length;
}

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** The most tokens these texts (the messages of one prompt) can cost a model, whatever they hold: at least estimatePromptTokens. */
export function promptTokensAtMost(texts: readonly string[]): number {
  let bytes = 0;
  for (const text of texts) bytes += utf8Bytes(text);
  return bytes + FRAMING_TOKENS_PER_MESSAGE * texts.length + FRAMING_TOKENS_PER_PROMPT;
}
