// Whether a phone number is allocated, by the numbering plans of libphonenumber-js's metadata read
// here directly: a number is valid when its national significant number matches its country's
// general pattern and the pattern of one type of number (fixed line, mobile, toll free…), for one
// of the countries that share its calling code. That is what libphonenumber-js's isValid() decides
// (a property test compares the two), at a fraction of its cost, the parsing being done already.
// The patterns are tested on a few digits only: constant time whatever the text.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';

/** Where the patterns sit in libphonenumber-js's minified numbering plans (a test fails if they move). */
const GENERAL_INDEX = 2;
const NATIONAL_PREFIX_INDEX = 5;
const NATIONAL_PREFIX_FOR_PARSING_INDEX = 7;
const TYPES_INDEX = 11;
/** Dialled as 0 + nine digits from France: France and the overseas departments and territories. */
const DIALLED_FROM_FRANCE = ['FR', 'RE', 'YT', 'GP', 'MQ', 'GF', 'BL', 'MF'];

interface Plan {
  readonly general: RegExp;
  readonly types: readonly RegExp[];
  /** The national (trunk) prefix libphonenumber-js strips after the calling code, when the plan has one ("0" in France). */
  readonly trunkPrefix: RegExp | undefined;
}

type MinifiedPlan = readonly unknown[];
const countries = metadata.countries as Record<string, MinifiedPlan | undefined>;
const nonGeographic = metadata.nonGeographic as Record<string, MinifiedPlan | undefined>;
const callingCodes = metadata.country_calling_codes as Record<string, readonly string[] | undefined>;

const whole = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);

function planOf(minified: MinifiedPlan, name: string): Plan {
  const general = minified[GENERAL_INDEX];
  const types = minified[TYPES_INDEX];
  if (typeof general !== 'string' || !Array.isArray(types)) throw new Error(`libphonenumber-js metadata: the plan of ${name} is not laid out as expected`);
  // As libphonenumber-js reads it: the prefix for parsing, or else the national prefix itself.
  const trunkPrefix = minified[NATIONAL_PREFIX_FOR_PARSING_INDEX] || minified[NATIONAL_PREFIX_INDEX];
  return {
    general: whole(general),
    types: types.filter((type): type is [string, ...unknown[]] => Array.isArray(type) && typeof type[0] === 'string').map(([pattern]) => whole(pattern)),
    trunkPrefix: typeof trunkPrefix === 'string' ? new RegExp(`^(?:${trunkPrefix})`) : undefined,
  };
}

const compiled = new Map<string, readonly Plan[]>();

/** The plans of the countries of a calling code (or its non-geographic plan), compiled on first use. */
function plansOf(callingCode: string): readonly Plan[] {
  let plans = compiled.get(callingCode);
  if (plans === undefined) {
    const names = callingCodes[callingCode] ?? [];
    const minified = names.length > 0 ? names.map((name) => [countries[name], name] as const) : [[nonGeographic[callingCode], callingCode] as const];
    plans = minified.filter((entry): entry is readonly [MinifiedPlan, string] => entry[0] !== undefined).map(([plan, name]) => planOf(plan, name));
    compiled.set(callingCode, plans);
  }
  return plans;
}

const FRANCE_AND_OVERSEAS = DIALLED_FROM_FRANCE.map((name) => planOf(countries[name]!, name));
const matches = (plans: readonly Plan[], nationalNumber: string): boolean => plans.some((plan) => plan.general.test(nationalNumber) && plan.types.some((type) => type.test(nationalNumber)));

/**
 * The digits after "+": a calling code (codes are prefix-free, so the first that exists is the one)
 * and a valid number of one of its countries. What the plans refuse is asked of libphonenumber-js
 * itself, which also accepts numbers written with their trunk prefix after the calling code
 * ("+1 1 212…", "+20 02…") by rules of each country: the answers are its answers, and only the
 * rare refused candidate pays for its parsing. A number that no trunk prefix of its countries
 * starts is left as it is by that parsing, so its answer is the plans' one: it is not asked.
 */
export function validInternational(digits: string): boolean {
  for (let length = 1; length <= 3 && length < digits.length; length++) {
    const callingCode = digits.slice(0, length);
    if (callingCodes[callingCode] === undefined && nonGeographic[callingCode] === undefined) continue;
    const nationalNumber = digits.slice(length);
    const plans = plansOf(callingCode);
    if (matches(plans, nationalNumber)) return true;
    return plans.some((plan) => plan.trunkPrefix?.test(nationalNumber) === true) && parsePhoneNumberFromString(`+${digits}`)?.isValid() === true;
  }
  return false;
}

/** "0612345678": ten digits in France's plan or in an overseas plan dialled the same way. */
export const validFrenchNational = (number: string): boolean => number.length === 10 && number[0] === '0' && matches(FRANCE_AND_OVERSEAS, number.slice(1));
