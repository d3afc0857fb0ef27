// How many tokens a prompt may count before the runtime has counted them: what a call reserves
// of its quotas and what is checked against the model's context. Tokenisers of the models served
// here cut French and English text into at least 3 characters per token on average; a message
// costs a few tokens of framing on top (its role and delimiters in the chat template). The real
// count replaces the estimate once the runtime reports it.
const CHARS_PER_TOKEN = 3;
const TOKENS_PER_MESSAGE = 4;

export function estimatePromptTokens(texts: readonly string[]): number {
  let chars = 0;
  for (const text of texts) chars += text.length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * texts.length;
}
