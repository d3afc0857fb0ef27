// Delimiter and role injection: text that imitates the chat template a model was trained on
// (`<|im_start|>system`, `[INST] <<SYS>>`, `<start_of_turn>`) or a role header of a transcript
// (`### system:`, `assistant:` or `USER:` at the start of a line), so that the model takes what
// follows for its own instructions or for another turn. Read from the folded text
// (detection-text.ts), so fullwidth `｜` and zero-width characters inside a marker change nothing.
// Linear: each `<|`, each `<` or `[` and each line start is read for a bounded number of characters.
//
// Two readings. The caller's own text: a header of the turns a transcript holds (`User:`,
// `### Human:`) is weak evidence, since the caller is the user and pastes transcripts; the words
// of instruction templates (`### Instruction:`, `### Response:`) are not read at all, since a
// caller writes `### Instructions :` above what it asks. A retrieved document (`retrieved`): those
// template headers and instruction pseudo-tags (`<instructions>`, `<prompt>`) are markers too, and
// every marker disqualifies the chunk alone (PromptInjectionGuard.inspectRetrieved).

export const ROLE_MARKER_RULES = {
  chatTemplate: 'delimiter.chat-template',
  roleTag: 'delimiter.role-tag',
  roleHeader: 'delimiter.role-header',
  roleLine: 'delimiter.role-line',
  /** Read in retrieved text only. */
  instructionHeader: 'delimiter.instruction-header',
  /** Read in retrieved text only. */
  instructionTag: 'delimiter.instruction-tag',
} as const;

/** The roles that speak with authority: a header of one, decorated, decides alone. */
const ROLE_WORDS = new Set(['system', 'systeme', 'assistant', 'developer', 'developpeur']);
/** The turns of a transcript: the caller's own turn, or the other party of one. */
const TURN_WORDS = new Set(['user', 'utilisateur', 'human', 'humain']);
/**
 * The sections of instruction templates (Alpaca: `### Instruction:`, `### Input:`, `### Response:`,
 * and the French answer), read in retrieved text after `#` only: `Réponse :` alone opens the answer
 * of a FAQ, and `## Instructions :` (plural) heads a procedure.
 */
const TEMPLATE_SECTION_WORDS = new Set(['instruction', 'response', 'reponse', 'input']);
const TEMPLATE_MARKERS = ['[inst]', '[/inst]', '<<sys>>', '<</sys>>', '<start_of_turn>', '<end_of_turn>'];
/** Named in `<x>`, `</x>`, and for the English roles of templates also `[x]`: `[Utilisateur]` names a menu in a manual. */
const TAG_WORDS = new Set([...ROLE_WORDS, ...TURN_WORDS]);
const BRACKET_WORDS = new Set([...ROLE_WORDS, 'user', 'human']);
/** Pseudo-tags of prompts, read in retrieved text only (`<instructions>`, `</prompt>`, `<system_prompt>`). */
const INSTRUCTION_TAG_WORDS = new Set(['instruction', 'instructions', 'consigne', 'consignes', 'prompt', 'system_prompt', 'sys', 'context_override']);
const DECORATION = new Set([...'#*>=-[(|_~`']);
const MAX_TEMPLATE_NAME = 40;
const MAX_DECORATION = 16;
/** The longest word a tag or a role line may name (`context_override`, 16): a longer one names none of them. */
const MAX_ROLE_WORD = Math.max(...[...TAG_WORDS, ...BRACKET_WORDS, ...INSTRUCTION_TAG_WORDS].map((word) => word.length));
const MAX_TAG_BLANKS = 4;

const isNameChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
const isLetter = (c: number) => c >= 0x61 && c <= 0x7a;
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isLineBreak = (c: string | undefined) => c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** `<|name|>`, the special tokens of ChatML, Llama 3, Phi and others. */
function hasTemplateToken(folded: string): boolean {
  for (let at = folded.indexOf('<|'); at !== -1; at = folded.indexOf('<|', at + 2)) {
    let i = at + 2;
    while (i < folded.length && i - at - 2 < MAX_TEMPLATE_NAME && isNameChar(folded.charCodeAt(i))) i++;
    if (i > at + 2 && folded.startsWith('|>', i)) return true;
  }
  return false;
}

/** The name of a tag opening at `at` (`<system>`, `</ user >`, `[assistant]`), or undefined when none is there. */
function tagName(folded: string, at: number): string | undefined {
  const close = folded[at] === '<' ? '>' : ']';
  let i = at + 1;
  if (folded[i] === '/') i++;
  for (let blanks = 0; blanks < MAX_TAG_BLANKS && isBlank(folded[i]); blanks++) i++;
  const start = i;
  while (i - start <= MAX_ROLE_WORD && i < folded.length && isNameChar(folded.charCodeAt(i))) i++;
  const name = folded.slice(start, i);
  for (let blanks = 0; blanks < MAX_TAG_BLANKS && isBlank(folded[i]); blanks++) i++;
  return folded[i] === close && name !== '' ? name : undefined;
}

/** The kinds of tag the folded text holds: of a role, of an instruction. */
function tags(folded: string): { role: boolean; instruction: boolean } {
  const found = { role: false, instruction: false };
  for (let at = 0; at < folded.length; at++) {
    const c = folded[at];
    if (c !== '<' && c !== '[') continue;
    const name = tagName(folded, at);
    if (name === undefined) continue;
    if (c === '<' ? TAG_WORDS.has(name) : BRACKET_WORDS.has(name)) found.role = true;
    if (c === '<' && INSTRUCTION_TAG_WORDS.has(name)) found.instruction = true;
  }
  return found;
}

interface RoleLine {
  readonly word: string;
  /** Opened by decoration (`###`, `**`, `>`). */
  readonly decorated: boolean;
  /** That decoration held a `#`: a Markdown heading. */
  readonly heading: boolean;
}

/** A line that opens with a word then a colon, decorated (`### system:`, `**assistant**:`) or plain (`user:`). */
function roleLineAt(folded: string, lineStart: number): RoleLine | undefined {
  let i = lineStart;
  let decorated = false;
  let heading = false;
  while (i - lineStart < MAX_DECORATION && (isBlank(folded[i]) || DECORATION.has(folded[i]!))) {
    decorated ||= !isBlank(folded[i]);
    heading ||= folded[i] === '#';
    i++;
  }
  const wordStart = i;
  while (i - wordStart <= MAX_ROLE_WORD && isLetter(folded.charCodeAt(i))) i++;
  const word = folded.slice(wordStart, i);
  if (word === '') return undefined;
  while (isBlank(folded[i]) || folded[i] === '*' || folded[i] === ']' || folded[i] === ')') i++;
  if (folded[i] !== ':') return undefined;
  return { word, decorated, heading };
}

/** The ids of the delimiter rules the folded text triggers; `retrieved`: read as a retrieved document (see above). */
export function roleMarkers(folded: string, retrieved = false): Set<string> {
  const found = new Set<string>();
  if (hasTemplateToken(folded) || TEMPLATE_MARKERS.some((marker) => folded.includes(marker))) found.add(ROLE_MARKER_RULES.chatTemplate);
  const tagged = tags(folded);
  if (tagged.role) found.add(ROLE_MARKER_RULES.roleTag);
  if (retrieved && tagged.instruction) found.add(ROLE_MARKER_RULES.instructionTag);
  for (let lineStart = 0; ; ) {
    const line = roleLineAt(folded, lineStart);
    if (line && ROLE_WORDS.has(line.word)) found.add(line.decorated ? ROLE_MARKER_RULES.roleHeader : ROLE_MARKER_RULES.roleLine);
    else if (line && TURN_WORDS.has(line.word)) found.add(ROLE_MARKER_RULES.roleLine);
    else if (line && retrieved && line.heading && TEMPLATE_SECTION_WORDS.has(line.word)) found.add(ROLE_MARKER_RULES.instructionHeader);
    let end = lineStart;
    while (end < folded.length && !isLineBreak(folded[end])) end++;
    if (end >= folded.length) break;
    lineStart = end + 1;
  }
  return found;
}
