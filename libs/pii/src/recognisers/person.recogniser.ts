// PERSON: names of people, from four kinds of evidence, each read from the words around a capital:
//   a title before a name (M., Mme, Dr, Me, Maître, Madame…): "Mme Leroy", "Dr Sophie Martin";
//   a known first name followed by a surname ("Julie Martin", "Jean de La Fontaine"), or after a
//   surname in capitals ("DUPONT Jean");
//   a known first name after a greeting ("Bonjour Julie");
//   a form label before a name ("Patient : Jean Dupont", "Nom : DUPONT");
//   in lower case, as names are typed in a chat, a known first name beside a word that is none of the
//   ordinary words around a first name ("jean dupont", "jean Dupont"; "dupont jean" where the two
//   stand alone, in a list or on a line), or after a greeting ("bonjour julie").
// The title and the label are not part of the span. First names: src/data/first-names.ts; the words
// told apart from names in lower case: src/data/lower-case-words.ts.
import { FIRST_NAMES } from '../data/first-names.js';
import { COMMON_WORDS, FIRST_NAMES_THAT_ARE_WORDS } from '../data/lower-case-words.js';
import type { Candidate, PiiRecogniser } from '../finding.js';
import type { ScanInput, WordTokens } from '../scan-input.js';
import { caseForms, codeAt, foldedHash, foldedHashes, isAlnum, isLetter, isUpperLetter } from '../text-chars.js';
import { ABBREVIATED_TYPES, STREET_TYPES } from './street-types.js';
import { isVerbForm } from './verb-forms.js';

const SCORE_TITLE = 0.85;
const SCORE_FULL_NAME = 0.8;
const SCORE_GREETING = 0.75;
const SCORE_LABEL = 0.8;
const SCORE_LOWER_CASE = 0.7;

/** Titles; those in DOTTED only with their full stop ("M." but not "M"). */
const TITLES = new Set(['M', 'MM', 'Mme', 'Mmes', 'Mlle', 'Mlles', 'Dr', 'Dre', 'Pr', 'Me', 'Maître', 'Monsieur', 'Madame', 'Mademoiselle', 'Docteur', 'Docteure', 'Professeur', 'Professeure', 'Mr', 'Mrs', 'Ms', 'Miss']);
const DOTTED = new Set(['M', 'MM']);
const GREETINGS = caseForms(['bonjour', 'bonsoir', 'salut', 'coucou', 'cher', 'chère', 'chers', 'chères', 'hello', 'hi', 'dear', 'merci']);
const LABELS = caseForms(['nom', 'prénom', 'patient', 'patiente', 'client', 'cliente', 'destinataire', 'expéditeur', 'expéditrice', 'signataire', 'bénéficiaire', 'titulaire', 'locataire', 'assuré', 'assurée', 'demandeur', 'demandeuse', 'interlocuteur', 'interlocutrice', 'représentant', 'représentante']);
const PARTICLES = caseForms(['de', 'du', 'des', 'le', 'la', 'van', 'von', 'der', 'den', 'da', 'di', 'del', 'della', 'dos', 'ben', 'el', 'ibn', 'bin', 'mac']);
/** Capitalised words that follow names without being names. */
const NOT_NAMES = caseForms(
  `Rue Avenue Boulevard Place Allée Impasse Chemin Route Quai Cours Square Passage Voie Esplanade Cedex Résidence
  Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre
  Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Objet Réf Référence Tél Téléphone Portable Fax Email Mail Courriel
  Date Adresse Iban Bic Siret Siren Rcs Tva Nir Né Née Et Ou Cordialement Bonjour Merci Société Sarl Sas Sa Eurl Sasu
  Cabinet Entreprise Groupe Banque Madame Monsieur Docteur Maître Service Direction Facture Devis Contrat Dossier`
    .split(/\s+/),
);
/** In lower case, only the particles that are no French word ("jules dos santos"; "julie de la compta" is no name). */
const LOWER_CASE_PARTICLES: ReadonlySet<string> = new Set(['van', 'von', 'der', 'den', 'da', 'di', 'del', 'della', 'dos', 'ben', 'el', 'ibn', 'bin']);
const PARTICLE_HASHES = foldedHashes(PARTICLES);
const TITLE_HASHES = foldedHashes(TITLES);
const LABEL_HASHES = foldedHashes(LABELS);
const NOT_NAME_HASHES = foldedHashes(NOT_NAMES);
const FIRST_NAME_SET: ReadonlySet<string> = new Set(FIRST_NAMES.filter((name) => !NOT_NAMES.has(name)));
/** Every word that can start a name (titles, labels, first names), hashed: other capitalised words are skipped unread. */
const STARTS = foldedHashes([...TITLES, ...LABELS, ...FIRST_NAME_SET]);
const FIRST_NAME_HASHES = foldedHashes(FIRST_NAME_SET);
const LOWER_CASE_NOT_FIRST_NAMES: ReadonlySet<string> = new Set(FIRST_NAMES_THAT_ARE_WORDS);
/** In lower case, what the word beside a first name may not be to make a name with it: an ordinary word, or one this recogniser reads as something else. */
const NOT_LOWER_CASE_SURNAMES: ReadonlySet<string> = new Set([...COMMON_WORDS, ...[...NOT_NAMES, ...TITLES, ...LABELS, ...GREETINGS, ...PARTICLES].map((word) => word.toLowerCase())]);

const lower = (word: string): string => word.toLowerCase();
const isCapitalised = (word: string): boolean => isUpperLetter(word.charCodeAt(0));
function isAllCaps(word: string): boolean {
  if (word.length < 2) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isLetter(c) && !isUpperLetter(c)) return false;
  }
  return true;
}

export function isFirstName(word: string): boolean {
  if (!isCapitalised(word)) return false;
  if (FIRST_NAME_SET.has(word)) return true;
  const titled = isAllCaps(word) ? word[0] + lower(word.slice(1)) : word;
  if (titled !== word && FIRST_NAME_SET.has(titled)) return true;
  return titled.includes('-') && compoundFirstName(titled);
}

function isLowerCase(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (isUpperLetter(word.charCodeAt(i))) return false;
  return true;
}

/** "jean", "jean-pierre": a first name of the dictionary in lower case, other than those that are mostly a word so written ("pierre", "rose"). */
function isLowerCaseFirstName(word: string): boolean {
  return isLowerCase(word) && !LOWER_CASE_NOT_FIRST_NAMES.has(word) && isFirstName(word[0]!.toUpperCase() + word.slice(1));
}

/**
 * "dupont", "martin-leroy": in lower case, two letters or more in each part, no elision ("l'eau"),
 * none of the words that are not surnames, and no form of a verb ("chante", "travaillera"; "julie
 * marie sa fille" is no name, "jean marie dupont" is one as a first name and a surname follow "jean").
 */
function isLowerCaseSurname(word: string): boolean {
  if (!isLowerCase(word) || word.includes("'") || word.includes('\u2019')) return false;
  return word.split('-').every((part) => part.length >= 2 && !NOT_LOWER_CASE_SURNAMES.has(part) && !isVerbForm(part));
}

/** Only blanks (no line break) between `offset` and a letter or digit before it: what starts at `offset` continues a phrase. */
function phraseBefore(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && isInlineBlank(text.charCodeAt(i))) i--;
  return i >= 0 && isAlnum(text.charCodeAt(i));
}

/** The same after `offset`. */
function phraseAfter(text: string, offset: number): boolean {
  let i = offset;
  while (i < text.length && isInlineBlank(text.charCodeAt(i))) i++;
  return i < text.length && isAlnum(text.charCodeAt(i));
}

const isInlineBlank = (c: number): boolean => c === 32 || c === 9 || c === 0xa0 || c === 0x202f;

/** "Jean-Pierre", "Marie-Claire": each part a first name, read part by part until one is not. */
function compoundFirstName(titled: string): boolean {
  for (let from = 0; ; ) {
    const hyphen = titled.indexOf('-', from);
    const end = hyphen === -1 ? titled.length : hyphen;
    if (end === from || !FIRST_NAME_SET.has(titled[from]!.toUpperCase() + titled.slice(from + 1, end))) return false;
    if (hyphen === -1) return true;
    from = hyphen + 1;
  }
}

/**
 * A surname word: capitalised ("Dupont", "DUPONT", "Martin-Leroy") or "d'Artagnan", and not a word
 * known not to be one. `hash` is the word's foldedHash: a word whose hash is in neither set is in
 * neither, and is not copied out to be looked up.
 */
function isSurnameWord(text: string, start: number, end: number, hash: number): boolean {
  if (NOT_NAME_HASHES.has(hash) || TITLE_HASHES.has(hash)) {
    const word = text.slice(start, end);
    if (NOT_NAMES.has(word) || TITLES.has(word)) return false;
  }
  const first = text.charCodeAt(start);
  const second = text.charCodeAt(start + 1);
  if (first === 100 /* d */ && (second === 39 || second === 0x2019) && end - start > 2) return isUpperLetter(text.charCodeAt(start + 2));
  return isUpperLetter(first);
}

class Words {
  /** The first hyphen of the text at or after the last word asked about (Infinity when there is none). */
  private nextHyphen = -1;

  constructor(
    private readonly text: string,
    private readonly tokens: WordTokens,
  ) {}

  get count(): number {
    return this.tokens.starts.length;
  }

  word(k: number): string {
    return this.text.slice(this.tokens.starts[k], this.tokens.ends[k]);
  }

  start(k: number): number {
    return this.tokens.starts[k]!;
  }

  end(k: number): number {
    return this.tokens.ends[k]!;
  }

  hash(k: number): number {
    return this.tokens.hashes[k]!;
  }

  /** What lies between word k and word k + 1. */
  gap(k: number): string {
    return k + 1 < this.count ? this.text.slice(this.tokens.ends[k], this.tokens.starts[k + 1]) : '';
  }

  /**
   * Word k holds a hyphen ("Jean-Pierre": compound first names are looked up part by part). Words
   * are asked about in order, so one search of the text ahead serves every word up to the hyphen it
   * finds: the text is searched once in all.
   */
  hasHyphen(k: number): boolean {
    const start = this.tokens.starts[k]!;
    if (this.nextHyphen < start) {
      const hyphen = this.text.indexOf('-', start);
      this.nextHyphen = hyphen === -1 ? Infinity : hyphen;
    }
    return this.nextHyphen < this.tokens.ends[k]!;
  }

  /** Word k holds a hyphen and what comes before it is a first name, by its hash ("jean-pierre"; not "rendez-vous"). */
  startsWithFirstName(k: number): boolean {
    return this.hasHyphen(k) && FIRST_NAME_HASHES.has(foldedHash(this.text, this.tokens.starts[k]!, this.nextHyphen));
  }

  /** Words k and k + 1 are separated by one space only. */
  spaced(k: number): boolean {
    const end = this.tokens.ends[k]!;
    if (k + 1 >= this.count || this.tokens.starts[k + 1] !== end + 1) return false;
    const c = this.text.charCodeAt(end);
    return c === 32 || c === 0xa0;
  }

  isSurname(k: number): boolean {
    return isSurnameWord(this.text, this.tokens.starts[k]!, this.tokens.ends[k]!, this.tokens.hashes[k]!);
  }

  /** Words k and k + 1 are separated by a full stop and one space ("M. Leroy"). */
  spacedAfterStop(k: number): boolean {
    const end = this.tokens.ends[k]!;
    if (k + 1 >= this.count || this.tokens.starts[k + 1] !== end + 2 || this.text.charCodeAt(end) !== 46) return false;
    const c = this.text.charCodeAt(end + 1);
    return c === 32 || c === 0xa0;
  }

  /**
   * In lower case, the last word of a surname starting at word k ("dupont", "dos santos"; after one
   * more first name, "marie dupont", but not a compound one: "martin-leroy" is as likely the surname), or -1.
   */
  lowerCaseSurnameEnd(k: number): number {
    if (k + 1 < this.count && this.spaced(k) && !this.word(k).includes('-') && isLowerCaseFirstName(this.word(k))) {
      const last = this.lowerCaseSurnameAt(k + 1);
      if (last !== -1) return last;
    }
    return this.lowerCaseSurnameAt(k);
  }

  /** The surname alone: particles that are no French word, then its word. */
  private lowerCaseSurnameAt(k: number): number {
    let j = k;
    while (j < this.count && j - k < 2 && LOWER_CASE_PARTICLES.has(this.word(j)) && this.spaced(j)) j++;
    return j < this.count && isLowerCaseSurname(this.word(j)) ? j : -1;
  }

  /** Word k comes right after a street type ("rue victor hugo", "av. jean jaurès"). */
  afterStreetType(k: number): boolean {
    if (k === 0) return false;
    const type = this.word(k - 1);
    if (this.spaced(k - 1)) return STREET_TYPES.has(type) || ABBREVIATED_TYPES.has(type);
    return this.spacedAfterStop(k - 1) && ABBREVIATED_TYPES.has(type);
  }

  /** The last word of a surname starting at word k (particles included: "de La Fontaine", "Le Gall"), or -1. */
  surnameEnd(k: number): number {
    let j = k;
    while (j < this.count && j - k < 2 && PARTICLE_HASHES.has(this.hash(j)) && PARTICLES.has(this.word(j)) && this.spaced(j)) j++;
    if (j >= this.count || !this.isSurname(j)) return -1;
    return j;
  }
}

export class PersonRecogniser implements PiiRecogniser {
  readonly name = 'person';

  find(input: ScanInput): Candidate[] {
    const candidates: Candidate[] = [];
    const words = new Words(input.text, input.words);
    let covered = 0;
    for (let k = 0; k < words.count; k++) {
      if (words.start(k) < covered) continue;
      const found = this.at(input.text, words, k);
      // "dupont jean" starts at the word before the one asked about.
      if (!found || found.start < covered) continue;
      covered = found.end;
      candidates.push(found);
    }
    return candidates;
  }

  private at(text: string, words: Words, k: number): Candidate | undefined {
    // Words in lower case are labels (followed by a colon) or first names: most words are skipped unread.
    if (!isUpperLetter(text.charCodeAt(words.start(k)))) {
      const after = words.end(k);
      if (codeAt(text, after) !== 58 && !(codeAt(text, after) === 32 && codeAt(text, after + 1) === 58)) {
        return STARTS.has(words.hash(k)) || words.startsWithFirstName(k) ? this.fromLowerCaseFirstName(text, words, k) : undefined;
      }
    }
    if (!STARTS.has(words.hash(k)) && !words.hasHyphen(k)) return undefined;
    const word = words.word(k);
    const hash = words.hash(k);
    if (TITLE_HASHES.has(hash) && TITLES.has(word)) return this.afterTitle(text, words, k, word);
    if (LABEL_HASHES.has(hash) && LABELS.has(word)) return this.afterLabel(words, k);
    return isFirstName(word) ? this.fromFirstName(words, k) : undefined;
  }

  private afterTitle(text: string, words: Words, k: number, title: string): Candidate | undefined {
    const dotted = codeAt(text, words.end(k)) === 46;
    if (DOTTED.has(title) && !dotted) return undefined;
    // Between the title and the name: one space ("Mme Leroy"), or its full stop and one space ("M. Leroy").
    if (dotted ? !words.spacedAfterStop(k) : !words.spaced(k)) return undefined;
    // After a title, two capitalised words are a first name and a surname, the first name known or not ("M. Djamel Fernandez").
    const first = k + 1;
    const single = words.surnameEnd(first);
    const last = single === first && words.spaced(first) ? Math.max(single, words.surnameEnd(first + 1)) : single;
    return last === -1 ? undefined : { type: 'PERSON', start: words.start(first), end: words.end(last), score: SCORE_TITLE };
  }

  private afterLabel(words: Words, k: number): Candidate | undefined {
    if (!/^ ?: ?$/.test(words.gap(k))) return undefined;
    const first = k + 1;
    const last = words.surnameEnd(first);
    if (last === -1) return undefined;
    const second = words.spaced(last) ? words.surnameEnd(last + 1) : -1;
    return { type: 'PERSON', start: words.start(first), end: words.end(second !== -1 ? second : last), score: SCORE_LABEL };
  }

  /**
   * A first name in lower case: with the surname after it ("jean Dupont", "jean de La Fontaine",
   * "jean dupont"), after a greeting ("bonjour julie"), or after its surname where the two stand
   * alone ("présents : dupont jean, …": inside a sentence, the word before a first name is as likely
   * a verb or a noun as a surname). Not after a street type: "rue victor hugo" is an address, which
   * in lower case ADDRESS does not read.
   */
  private fromLowerCaseFirstName(text: string, words: Words, k: number): Candidate | undefined {
    // A word with no word beside it ("jean" in "jean.dupont@…") is not read.
    const spacedBefore = k > 0 && words.spaced(k - 1);
    if ((!spacedBefore && !words.spaced(k)) || !isLowerCaseFirstName(words.word(k)) || words.afterStreetType(k)) return undefined;
    if (words.spaced(k)) {
      const last = Math.max(words.surnameEnd(k + 1), words.lowerCaseSurnameEnd(k + 1));
      if (last !== -1) return { type: 'PERSON', start: words.start(k), end: words.end(last), score: SCORE_LOWER_CASE };
    }
    if (!spacedBefore) return undefined;
    const before = words.word(k - 1);
    if (GREETINGS.has(before)) return { type: 'PERSON', start: words.start(k), end: words.end(k), score: SCORE_LOWER_CASE };
    if (isLowerCaseSurname(before) && !phraseBefore(text, words.start(k - 1)) && !phraseAfter(text, words.end(k))) {
      return { type: 'PERSON', start: words.start(k - 1), end: words.end(k), score: SCORE_LOWER_CASE };
    }
    return undefined;
  }

  private fromFirstName(words: Words, k: number): Candidate | undefined {
    const last = words.spaced(k) ? words.surnameEnd(k + 1) : -1;
    if (last !== -1) return { type: 'PERSON', start: words.start(k), end: words.end(last), score: SCORE_FULL_NAME };
    if (k > 0 && words.spaced(k - 1)) {
      const before = words.word(k - 1);
      if (isAllCaps(before) && words.isSurname(k - 1)) return { type: 'PERSON', start: words.start(k - 1), end: words.end(k), score: SCORE_FULL_NAME };
      if (GREETINGS.has(before)) return { type: 'PERSON', start: words.start(k), end: words.end(k), score: SCORE_GREETING };
    }
    return undefined;
  }
}
