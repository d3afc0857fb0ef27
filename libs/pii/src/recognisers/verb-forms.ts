// Whether a word in lower case is a form of one of the French verbs of src/data/french-verbs.ts, read
// back to its infinitive from its ending by the rules of the regular conjugations (present, imperfect,
// future, conditional, simple past, participles): "chante", "travaillera", "réfléchit", "attendait",
// "conduit". PERSON asks it of the word beside a first name typed in lower case ("julie chante" is no
// name). Irregular forms are not all read (the commonest are in src/data/lower-case-words.ts); a word
// is asked about only once a first name stands beside it, so its cost does not grow with the text.
import { FRENCH_VERBS } from '../data/french-verbs.js';

const VERBS: ReadonlySet<string> = new Set(FRENCH_VERBS);

/** Endings of the first group (chanter): what is before one, with "er", is the infinitive. */
const FIRST_GROUP = ['e', 'es', 'ent', 'ons', 'ez', 'ais', 'ait', 'ions', 'iez', 'aient', 'erai', 'eras', 'era', 'erons', 'erez', 'eront', 'erais', 'erait', 'erions', 'eriez', 'eraient', 'a', 'as', 'âmes', 'âtes', 'èrent', 'é', 'ée', 'és', 'ées', 'ant', 'er'];
/** Of the second group (finir), with "ir". */
const SECOND_GROUP = ['is', 'it', 'issons', 'issez', 'issent', 'issais', 'issait', 'issions', 'issiez', 'issaient', 'irai', 'iras', 'ira', 'irons', 'irez', 'iront', 'irais', 'irait', 'irions', 'iriez', 'iraient', 'i', 'ie', 'ies', 'issant', 'ir'];
/** Of the verbs in "re" (attendre, conduire, écrire: "attend", "conduit", "écrit"), with "re". */
const RE_VERBS = ['', 's', 't', 'ent', 'ons', 'ez', 'ais', 'ait', 'aient', 'ra', 'ront', 'rait', 'u', 'ue', 'us', 'ues', 'ant'];
/** Of the verbs in "ir" like partir ("part", "sortent", "sentait"), with "ir". */
const IR_VERBS = ['', 's', 'ent', 'ons', 'ez', 'ais', 'ait', 'aient', 'ant'];

/**
 * The stems a first-group form may be cut from, as spelling changes them: "préfère" (préférer),
 * "achète" (acheter), "appelle" (appeler), "paie" (payer), "mangeait" (manger), "commença"
 * (commencer).
 */
function firstGroupStems(stem: string): string[] {
  const stems = [stem];
  const grave = stem.lastIndexOf('è');
  if (grave !== -1) stems.push(`${stem.slice(0, grave)}é${stem.slice(grave + 1)}`, `${stem.slice(0, grave)}e${stem.slice(grave + 1)}`);
  if (/(ll|tt)$/.test(stem)) stems.push(stem.slice(0, -1));
  if (stem.endsWith('i')) stems.push(`${stem.slice(0, -1)}y`);
  if (stem.endsWith('ge')) stems.push(stem.slice(0, -1));
  if (stem.endsWith('ç')) stems.push(`${stem.slice(0, -1)}c`);
  return stems;
}

interface Rule {
  readonly ending: string;
  readonly infinitive: string;
  readonly stems: (stem: string) => string[];
}

const asItIs = (stem: string): string[] => [stem];
const RULES: readonly Rule[] = [
  ...FIRST_GROUP.map((ending) => ({ ending, infinitive: 'er', stems: firstGroupStems })),
  ...SECOND_GROUP.map((ending) => ({ ending, infinitive: 'ir', stems: asItIs })),
  ...RE_VERBS.map((ending) => ({ ending, infinitive: 're', stems: asItIs })),
  ...IR_VERBS.map((ending) => ({ ending, infinitive: 'ir', stems: asItIs })),
];
/** The rules by the last letter of their ending (the empty ending under ''): a word is read only by those it can end with. */
const RULES_BY_LAST = new Map<string, Rule[]>();
for (const rule of RULES) {
  const last = rule.ending.slice(-1);
  RULES_BY_LAST.set(last, [...(RULES_BY_LAST.get(last) ?? []), rule]);
}

/** `word` read by `rule`: its ending cut from a stem of two letters or more, then the infinitive's, is a verb of the list. */
function readBy(word: string, { ending, infinitive, stems }: Rule): boolean {
  if (!word.endsWith(ending) || word.length - ending.length < 2) return false;
  return stems(word.slice(0, word.length - ending.length)).some((stem) => VERBS.has(stem + infinitive));
}

export function isVerbForm(word: string): boolean {
  return (RULES_BY_LAST.get(word.slice(-1)) ?? []).some((rule) => readBy(word, rule)) || (RULES_BY_LAST.get('') ?? []).some((rule) => readBy(word, rule));
}
