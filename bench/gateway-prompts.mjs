// The prompts of the gateway bench: French support requests of about 2 KB, each holding fictitious
// identifiers the gateway must pseudonymise (people's names, emails, French phone numbers, IBANs),
// written by a seeded generator so that every run sends the same text.
// - emails at example.com / example.org / example.net (reserved by RFC 2606);
// - phones in the ranges ARCEP reserves for fiction (01 99 00, 02 61 91, 03 53 01, 04 65 71,
//   05 36 49 xx xx; its mobile one, 06 39 98, is outside libphonenumber's plan, so not a phone here);
// - IBANs of France with a made-up bank code and account, their check digits computed (mod 97)
//   so that the PII engine sees them as IBANs;
// - names drawn from common French first names and surnames.
// Each value is written in one spelling only within a prompt: the gateway gives a value back in the
// first spelling it saw, so a second spelling of the same phone would not come back as written and
// the echo check would fail for a reason that is not the gateway's.

const FIRST_NAMES = ['Camille', 'Julien', 'Nathalie', 'Thomas', 'Sophie', 'Karim', 'Élodie', 'Mathieu', 'Inès', 'Laurent', 'Chloé', 'Antoine'];
const SURNAMES = ['Martin', 'Bernard', 'Lefebvre', 'Moreau', 'Garnier', 'Rousseau', 'Fontaine', 'Chevalier', 'Girard', 'Mercier', 'Blanchard', 'Lemoine'];
const FICTION_PHONE_RANGES = ['01 99 00', '02 61 91', '03 53 01', '04 65 71', '05 36 49'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];
const TARGET_BYTES = 2048;

/** A small deterministic generator (mulberry32), so the prompts are the same on every run. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (/** @type {number} */ min, /** @type {number} */ max) => min + Math.floor(next() * (max - min + 1));
  return { int, pick: (/** @type {readonly string[]} */ list) => list[int(0, list.length - 1)], digits: (/** @type {number} */ n) => Array.from({ length: n }, () => int(0, 9)).join('') };
}

/** A French IBAN (FR + check + 5-digit bank + 5-digit branch + 11-character account + 2-digit RIB key), printed in groups of 4. */
function frenchIban(/** @type {ReturnType<typeof generator>} */ g) {
  const bank = `1${g.digits(4)}`;
  const branch = g.digits(5);
  const account = g.digits(11);
  const ribKey = 97n - ((89n * BigInt(bank) + 15n * BigInt(branch) + 3n * BigInt(account)) % 97n);
  const bban = `${bank}${branch}${account}${String(ribKey).padStart(2, '0')}`;
  const check = 98n - (BigInt(`${bban}152700`) % 97n); // "FR00" moved to the end, F=15 R=27
  return `FR${String(check).padStart(2, '0')}${bban}`.match(/.{1,4}/g)?.join(' ') ?? '';
}

function frenchPhone(/** @type {ReturnType<typeof generator>} */ g) {
  return `${g.pick(FICTION_PHONE_RANGES)} ${g.digits(2)} ${g.digits(2)}`;
}

/**
 * @typedef {object} BenchPrompt
 * @property {string} text         the user message, about TARGET_BYTES bytes of UTF-8
 * @property {string[]} identifiers  the identifiers written in it, each as written
 */

/**
 * @param {number} count
 * @param {number} [seed]
 * @returns {BenchPrompt[]}
 */
export function benchPrompts(count, seed = 20261203) {
  const g = generator(seed);
  return Array.from({ length: count }, (_, index) => onePrompt(g, index));
}

/** @param {ReturnType<typeof generator>} g @param {number} index */
function onePrompt(g, index) {
  const people = Array.from({ length: 3 }, () => {
    const first = g.pick(FIRST_NAMES);
    const last = g.pick(SURNAMES);
    const email = `${first.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}.${last.toLowerCase()}${g.int(1, 99)}@${g.pick(DOMAINS)}`;
    return { name: `${first} ${last}`, email, phone: frenchPhone(g), iban: frenchIban(g) };
  });
  const [a, b, c] = people;
  const paragraphs = [
    `Bonjour, je vous écris au sujet du dossier ${1000 + index} ouvert la semaine dernière. Mme ${a.name} nous a contactés pour un changement de coordonnées bancaires : le nouveau compte est ${a.iban}, et elle souhaite être rappelée au ${a.phone} en fin de matinée.`,
    `Son conseiller habituel, M. ${b.name}, est absent jusqu'à lundi. Merci d'adresser la confirmation à ${a.email} avec une copie à ${b.email}, et de préciser dans le message la date à laquelle le prélèvement du mois prochain sera effectué sur le nouveau compte.`,
    `Par ailleurs, ${c.name} signale que le remboursement attendu n'a pas été versé sur le compte ${c.iban}. Elle est joignable au ${c.phone} ou par courriel à ${c.email}. Pouvez-vous vérifier si le virement a été rejeté et, le cas échéant, nous indiquer le motif du rejet ?`,
    `Enfin, l'ancien compte de M. ${b.name} (${b.iban}) doit être clôturé à la fin du mois ; il reste joignable au ${b.phone}. Rédigez une réponse courte et polie pour chacune de ces trois personnes, en reprenant leurs coordonnées telles qu'elles sont écrites ci-dessus.`,
  ];
  let text = paragraphs.join('\n\n');
  // Filler without identifiers, up to the target size: the context of the request.
  const filler = ' Le service client traite les demandes dans l\'ordre de leur arrivée et répond sous deux jours ouvrés.';
  while (Buffer.byteLength(text) + Buffer.byteLength(filler) <= TARGET_BYTES) text += filler;
  const identifiers = people.flatMap((p) => [p.name, p.email, p.phone, p.iban]);
  return { text, identifiers };
}
