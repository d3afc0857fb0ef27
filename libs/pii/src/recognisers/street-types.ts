// The words that name a kind of street, read by ADDRESS (where an address starts) and by PERSON (in
// lower case, a first name right after one is the street's name: "rue victor hugo").
import { caseForms } from '../text-chars.js';

export const STREET_TYPES = caseForms(
  `rue avenue boulevard place allée allee impasse chemin route quai cours square passage voie esplanade rond-point
  faubourg parvis promenade sentier hameau lieu-dit résidence residence cité villa chaussée montée traverse ruelle
  levée carrefour clos domaine lotissement venelle`.split(/\s+/),
);
/** Abbreviations, written with or without their full stop. */
export const ABBREVIATED_TYPES = caseForms(['av', 'ave', 'bd', 'bld', 'blvd', 'pl', 'imp', 'ch', 'rte', 'sq', 'fg', 'fbg', 'res', 'rés']);
