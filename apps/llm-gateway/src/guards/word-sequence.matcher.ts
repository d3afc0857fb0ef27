// Finds rules written as sequences of words in a list of words, in one pass, without regular
// expressions (untrusted text: no backtracking). A sequence is steps separated by spaces, each step a
// set of alternative words separated by `|`; `~N` before a step lets up to N other words stand
// between it and the step before (none by default):
//
//   'ignore|disregard ~3 previous|prior ~2 instructions|rules'
//
// matches "ignore all of the previous instructions" and "disregard prior rules". Rule words are
// normalised as the text's words are (normaliseWord), so plurals and leetspeak need not be listed.
//
// For each sequence the matcher keeps, per step, the last position where the steps up to it matched
// with their gaps respected. The last position is the best one to continue from (gaps are upper
// bounds), so this finds a match whenever there is one, in O(words x steps that share the word).
import { normaliseWord } from './detection-text.js';

export interface WordRule {
  readonly id: string;
  readonly sequences: readonly string[];
}

interface StepRef {
  readonly sequence: number;
  readonly step: number;
}

interface CompiledSequence {
  readonly ruleId: string;
  /** Where this sequence's steps start in the matcher's state. */
  readonly offset: number;
  readonly gaps: readonly number[];
}

const MAX_GAP = 8;

function parseSequence(source: string): { steps: string[][]; gaps: number[] } {
  const steps: string[][] = [];
  const gaps: number[] = [];
  let gap = 0;
  if (source.trim() === '') throw new Error('empty word sequence');
  for (const part of source.trim().split(/\s+/u)) {
    if (part.startsWith('~')) {
      gap = Number(part.slice(1));
      if (part.length === 1 || !Number.isInteger(gap) || gap < 0 || gap > MAX_GAP || steps.length === 0) throw new Error(`bad gap in word sequence: ${source}`);
      continue;
    }
    steps.push([...new Set(part.split('|').map(normaliseWord))]);
    gaps.push(gap);
    gap = 0;
  }
  if (steps.length === 0 || gap !== 0) throw new Error(`bad word sequence: ${source}`);
  return { steps, gaps };
}

export class WordSequenceMatcher {
  private readonly sequences: CompiledSequence[] = [];
  /** word → the steps it can stand for, the later steps of a sequence first. */
  private readonly index = new Map<string, StepRef[]>();
  private readonly stateSize: number;

  constructor(rules: readonly WordRule[]) {
    let offset = 0;
    for (const rule of rules) {
      for (const source of rule.sequences) {
        const { steps, gaps } = parseSequence(source);
        const sequence = this.sequences.length;
        this.sequences.push({ ruleId: rule.id, offset, gaps });
        steps.forEach((words, step) => {
          for (const word of words) {
            const refs = this.index.get(word) ?? [];
            refs.push({ sequence, step });
            this.index.set(word, refs);
          }
        });
        offset += steps.length;
      }
    }
    for (const refs of this.index.values()) refs.sort((a, b) => a.sequence - b.sequence || b.step - a.step);
    this.stateSize = offset;
  }

  /** The ids of the rules with a sequence found in the words. */
  match(words: readonly string[]): Set<string> {
    const lastMatch = new Int32Array(this.stateSize).fill(-1);
    const found = new Set<string>();
    words.forEach((word, position) => {
      for (const { sequence, step } of this.index.get(word) ?? []) {
        const { ruleId, offset, gaps } = this.sequences[sequence]!;
        if (step > 0) {
          const previous = lastMatch[offset + step - 1]!;
          if (previous === -1 || position - previous - 1 > gaps[step]!) continue;
        }
        lastMatch[offset + step] = position;
        if (step === gaps.length - 1) found.add(ruleId);
      }
    });
    return found;
  }
}
