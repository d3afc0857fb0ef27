// Delimiter and role injection: text that imitates the chat template a model was trained on
// (`<|im_start|>system`, `[INST] <<SYS>>`, `<start_of_turn>`) or a role header of a transcript
// (`### system:`, `assistant:` at the start of a line), so that the model takes what follows for its
// own instructions. Read from the folded text (detection-text.ts), so fullwidth `｜` and zero-width
// characters inside a marker change nothing. Linear: each `<|` and each line start is read for a
// bounded number of characters.

export const ROLE_MARKER_RULES = {
  chatTemplate: 'delimiter.chat-template',
  roleTag: 'delimiter.role-tag',
  roleHeader: 'delimiter.role-header',
  roleLine: 'delimiter.role-line',
} as const;

const ROLE_WORDS = new Set(['system', 'systeme', 'assistant', 'developer', 'developpeur']);
const TEMPLATE_MARKERS = ['[inst]', '[/inst]', '<<sys>>', '<</sys>>', '<start_of_turn>', '<end_of_turn>'];
const ROLE_TAGS = [...ROLE_WORDS].flatMap((role) => [`<${role}>`, `</${role}>`, `[${role}]`]);
const DECORATION = new Set([...'#*>=-[(|_~`']);
const MAX_TEMPLATE_NAME = 40;
const MAX_DECORATION = 16;
const MAX_ROLE_WORD = 12;

const isNameChar = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** `<|name|>`, the special tokens of ChatML, Llama 3, Phi and others. */
function hasTemplateToken(folded: string): boolean {
  for (let at = folded.indexOf('<|'); at !== -1; at = folded.indexOf('<|', at + 2)) {
    let i = at + 2;
    while (i < folded.length && i - at - 2 < MAX_TEMPLATE_NAME && isNameChar(folded.charCodeAt(i))) i++;
    if (i > at + 2 && folded.startsWith('|>', i)) return true;
  }
  return false;
}

/** A line that opens with a role word then a colon: decorated (`### system:`, `**assistant**:`) or plain. */
function roleLineKind(folded: string, lineStart: number): 'decorated' | 'plain' | undefined {
  let i = lineStart;
  let decorated = false;
  while (i - lineStart < MAX_DECORATION && (isBlank(folded[i]) || DECORATION.has(folded[i]!))) {
    decorated ||= !isBlank(folded[i]);
    i++;
  }
  const wordStart = i;
  while (i - wordStart <= MAX_ROLE_WORD && folded.charCodeAt(i) >= 0x61 && folded.charCodeAt(i) <= 0x7a) i++;
  if (!ROLE_WORDS.has(folded.slice(wordStart, i))) return undefined;
  while (isBlank(folded[i]) || folded[i] === '*' || folded[i] === ']' || folded[i] === ')') i++;
  if (folded[i] !== ':') return undefined;
  return decorated ? 'decorated' : 'plain';
}

/** The ids of the delimiter rules the folded text triggers. */
export function roleMarkers(folded: string): Set<string> {
  const found = new Set<string>();
  if (hasTemplateToken(folded) || TEMPLATE_MARKERS.some((marker) => folded.includes(marker))) found.add(ROLE_MARKER_RULES.chatTemplate);
  if (ROLE_TAGS.some((tag) => folded.includes(tag))) found.add(ROLE_MARKER_RULES.roleTag);
  for (let lineStart = 0; lineStart !== -1; ) {
    const kind = roleLineKind(folded, lineStart);
    if (kind === 'decorated') found.add(ROLE_MARKER_RULES.roleHeader);
    if (kind === 'plain') found.add(ROLE_MARKER_RULES.roleLine);
    const lineEnd = folded.indexOf('\n', lineStart);
    lineStart = lineEnd === -1 ? -1 : lineEnd + 1;
  }
  return found;
}
