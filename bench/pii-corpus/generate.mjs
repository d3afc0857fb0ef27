// Writes bench/pii-corpus/corpus.jsonl: French documents of five kinds (mails, invoices, medical
// notes, legal letters, chat prompts) made of fictitious data, each with the spans of personal data
// it holds, labelled by the rules of LABELLING.md as the text is written. Deterministic: the same
// seed writes the same file (node bench/pii-corpus/generate.mjs [--seed N] [--count N] [--out FILE]:
// another seed, written elsewhere, makes a corpus the engine was never looked at on).
// Check digits are computed here from the published rules, not with the engine under test.
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const SEED = option('--seed', 20261203);
const PER_KIND = option('--count', 110);

// mulberry32: small, seeded, the same on every machine.
let state = SEED >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;
const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
const pad = (n, width = 2) => String(n).padStart(width, '0');

// ---- Names and places (common French names, real streets and communes: fictitious people) ----
const FIRST_F = `Marie Nathalie Isabelle Sylvie Catherine Sophie Julie Camille Léa Emma Chloé Manon Inès Sarah Louise Alice Jade Lina Anna Ambre
  Aurélie Émilie Céline Valérie Sandrine Karine Yasmine Fatima Nadia Amina Aïcha Kenza Chantal Monique Françoise Jeanne Hélène Anne Claire
  Pauline Marion Laura Élodie Mélanie Audrey Vanessa Jessica Martine Brigitte Nicole Christine Véronique Agnès Lucie Margaux Clara Zoé Rose
  Anaïs Océane Mathilde Charlotte Juliette Eva Lola Soraya Leïla Myriam Nour Fatou Awa Thi Linh Maëlys Noémie Justine Coralie Sabrina Samia`.split(/\s+/);
const FIRST_M = `Jean Pierre Michel André Philippe Nicolas Thomas Julien Kevin Mohamed Nathan Enzo Lucas Hugo Christophe Stéphane Sébastien Laurent
  David Olivier Éric Frédéric Patrick Alain Bernard Jacques Louis Gabriel Jules Arthur Raphaël Adam Léo Paul Mathieu Romain Antoine Alexandre
  Maxime Quentin Clément Karim Mehdi Rachid Samir Ibrahim Youssef Moussa Ahmed Omar Sofiane Bilal Mamadou Oumar Dylan Jordan Anthony Jérémy
  Florian Benjamin Guillaume Vincent François Daniel Gérard Christian Marc Yves Thierry Pascal Didier Bruno Noah Tom Ethan Timéo Maël Yanis
  Rayan Wassim Djamel Farid Nabil Hakim Minh Wei Jean-Pierre Jean-Marc Pierre-Yves Loïc Gaëtan Cédric Ludovic Grégory`.split(/\s+/);
const SURNAMES = `Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux David Bertrand Morel
  Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefèvre Faure Mercier Blanc Guérin Boyer Garnier Chevalier Legrand
  Gauthier Garcia Perrin Robin Clément Morin Henry Roussel Masson Marchand Duval Denis Dumont Lemaire Meyer Dufour Meunier Brun Blanchard
  Giraud Joly Rivière Brunet Gaillard Barbier Arnaud Martinez Roche Renard Schmitt Leroux Colin Vidal Caron Picard Fabre Aubert Lemoine
  Renaud Dumas Lacroix Bourgeois Leclerc Payet Rolland Lecomte Lopez Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Deschamps
  Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Poirier Marty Aubry Guyot Carré Renault Charpentier Ménard Maillard Baron Bertin
  Bailly Hervé Schneider Fernandez Collet Léger Bouvier Prévost Millet Perrot Cousin Germain Breton Besson Langlois Pelletier Lévêque
  Leblanc Lebrun Weber Mallet Hamon Boulanger Monnier Michaud Rodriguez Gillet Tessier Chauvin Bouchet Humbert Reynaud Hoarau Cordier
  Pichon Lejeune Gilbert Delaunay Pasquier Carlier Laporte Nguyen Tran Diallo Traoré Benali Haddad Mansouri Belkacem Kaya Yilmaz Ferreira
  Grondin Diop Ndiaye Cissé Bensaïd Zerrouki Ouali Amrani`.split(/\s+/);
const PARTICLE_SURNAMES = ['Le Gall', 'Le Goff', 'Le Roux', 'Da Silva', 'Dos Santos', 'de La Fontaine', 'de Lattre', 'Van den Berg', 'Ben Ali', 'El Amrani'];
const STREETS = [
  ['rue', 'de la République'], ['rue', 'Victor Hugo'], ['avenue', 'Jean Jaurès'], ['rue', 'des Lilas'], ['boulevard', 'du Général Leclerc'],
  ['rue', 'Pasteur'], ['avenue', 'de la Gare'], ['chemin', 'du Moulin'], ['boulevard', 'Saint-Michel'], ['rue', 'des Écoles'], ['avenue', 'de Verdun'],
  ['rue', 'Gambetta'], ['route', 'Nationale'], ['place', 'du Marché'], ['allée', 'des Acacias'], ['avenue', 'Foch'], ['rue', "de l'Église"],
  ['quai', 'du Port'], ['impasse', 'des Tilleuls'], ['rue', 'du Château'], ['boulevard', 'Haussmann'], ['cours', 'Mirabeau'], ['rue', 'Nationale'],
  ['avenue', 'des Champs-Élysées'], ['rue', 'du Faubourg Saint-Antoine'], ['place', 'Bellecour'], ['rue', 'Sainte-Catherine'], ['allée', 'des Pins'],
  ['chemin', 'des Vignes'], ['rue', "d'Alésia"], ['square', 'Louis Blanc'], ['avenue', 'du Maréchal Foch'], ['rue', 'Jules Ferry'],
];
const ABBREVIATED_STREETS = { avenue: 'av.', boulevard: 'bd' };
const COMMUNES = [
  ['75002', 'Paris'], ['75011', 'Paris'], ['75015', 'Paris'], ['69003', 'Lyon'], ['13001', 'Marseille'], ['31000', 'Toulouse'], ['06000', 'Nice'],
  ['44000', 'Nantes'], ['67000', 'Strasbourg'], ['34000', 'Montpellier'], ['33000', 'Bordeaux'], ['59000', 'Lille'], ['35000', 'Rennes'],
  ['51100', 'Reims'], ['76600', 'Le Havre'], ['42000', 'Saint-Étienne'], ['83000', 'Toulon'], ['38000', 'Grenoble'], ['21000', 'Dijon'],
  ['49000', 'Angers'], ['30000', 'Nîmes'], ['63000', 'Clermont-Ferrand'], ['20000', 'Ajaccio'], ['97400', 'Saint-Denis'], ['92100', 'Boulogne-Billancourt'],
  ['93200', 'Saint-Denis'], ['13100', 'Aix-en-Provence'], ['29200', 'Brest'], ['37000', 'Tours'], ['87000', 'Limoges'], ['80000', 'Amiens'],
  ['66000', 'Perpignan'], ['17000', 'La Rochelle'], ['64100', 'Bayonne'], ['74000', 'Annecy'],
];
const MAIL_DOMAINS = ['orange.fr', 'free.fr', 'gmail.com', 'laposte.net', 'sfr.fr', 'wanadoo.fr', 'outlook.fr', 'yahoo.fr', 'hotmail.com', 'icloud.com', 'proton.me'];
const COMPANIES = [
  ['Boulangerie des Halles', 'boulangerie-des-halles.fr'], ['Plomberie Azur', 'plomberie-azur.fr'], ['Atelier Numérique', 'atelier-numerique.fr'],
  ['Transports Rapides du Sud', 'trs-logistique.fr'], ['Cabinet Comptable Horizon', 'horizon-compta.fr'], ['Librairie du Parc', 'librairieduparc.fr'],
  ['Garage de la Vallée', 'garage-vallee.fr'], ['Menuiserie Bois & Co', 'bois-et-co.fr'], ['Agence Immobilière Étoile', 'etoile-immo.fr'],
  ['Société Alpine de Services', 'sas-alpine.fr'],
];

// ---- Check digits, from the published rules ----
function luhnDigit(payload) {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
const mod97 = (numeric) => Number(BigInt(numeric) % 97n);
const ibanLetters = (text) => [...text].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
function iban(country, bban) {
  return `${country}${pad(98 - mod97(ibanLetters(`${bban}${country}00`)))}${bban}`;
}
// The French RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97.
function frenchBban() {
  const bank = digits(5);
  const branch = digits(5);
  const account = digits(11);
  const key = 97 - ((89 * Number(bank) + 15 * Number(branch) + 3 * Number(account)) % 97);
  return `${bank}${branch}${account}${pad(key)}`;
}
// Belgium: the last two digits are the first ten mod 97 (97 for 0).
function belgianBban() {
  const first = digits(10);
  const check = mod97(first) || 97;
  return `${first}${pad(check)}`;
}
// Spain: two control digits, weights 1 2 4 8 5 10 9 7 3 6 mod 11, over "00" + bank + branch and over the account.
function spanishBban() {
  const weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const control = (ten) => {
    const value = 11 - ([...ten].reduce((sum, d, i) => sum + Number(d) * weights[i], 0) % 11);
    return value === 11 ? 0 : value === 10 ? 1 : value;
  };
  const bank = digits(4);
  const branch = digits(4);
  const account = digits(10);
  return `${bank}${branch}${control(`00${bank}${branch}`)}${control(account)}${account}`;
}
const upper = (n) => Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join('');
const IBAN_COUNTRIES = [
  ['FR', frenchBban], ['FR', frenchBban], ['FR', frenchBban], ['DE', () => digits(18)], ['BE', belgianBban], ['ES', spanishBban],
  ['IT', () => `${upper(1)}${digits(10)}${digits(12)}`], ['NL', () => `${upper(4)}${digits(10)}`], ['LU', () => digits(16)],
  ['GB', () => `${upper(4)}${digits(14)}`], ['CH', () => digits(17)],
];
function nir() {
  const department = chance(0.08) ? pick(['2A', '2B']) : pad(int(1, 95));
  const first13 = `${pick(['1', '2'])}${pad(int(40, 99))}${pad(int(1, 12))}${department}${pad(int(1, 990), 3)}${pad(int(1, 999), 3)}`;
  const key = 97 - mod97(first13.replace('2A', '19').replace('2B', '18'));
  return first13 + pad(key);
}
function siren() {
  const payload = String(int(1, 9)) + digits(7);
  return payload + luhnDigit(payload);
}
function siret(base = siren()) {
  const payload = base + digits(4);
  return payload + luhnDigit(payload);
}
function laPosteSiret() {
  for (;;) {
    const value = `356000000${digits(5)}`;
    if ([...value].reduce((sum, d) => sum + Number(d), 0) % 5 === 0) return value;
  }
}
function card() {
  const [prefix, length] = pick([['4', 16], ['4', 16], ['4', 16], [String(int(51, 55)), 16], [pick(['34', '37']), 15], [String(int(2221, 2720)), 16]]);
  const payload = prefix + digits(length - prefix.length - 1);
  return payload + luhnDigit(payload);
}
/** The same number with another last digit (Luhn, SIREN, SIRET then fail), or another key. */
const wrongLast = (value) => value.slice(0, -1) + String((Number(value.slice(-1)) + int(1, 9)) % 10);
const wrongKey = (value) => value.slice(0, -2) + pad(((Number(value.slice(-2)) + int(1, 95)) % 97) + 1 === Number(value.slice(-2)) ? 1 : ((Number(value.slice(-2)) + int(1, 95)) % 97) + 1);
const wrongIbanCheck = (value) => {
  const current = Number(value.slice(2, 4));
  return `${value.slice(0, 2)}${pad(((current - 2 + int(1, 95)) % 97) + 2)}${value.slice(4)}`;
};
const groups = (value, size, separator = ' ') => value.match(new RegExp(`.{1,${size}}`, 'g')).join(separator);

// ---- How each identifier is printed ----
function phone() {
  // Numbers of ranges allocated by ARCEP: geographic 01, 02, 03, 05; mobile 06 (but 063 and 069, partly overseas mobiles) and 075 to 078.
  const national = `0${pick(['1', '2', '3', '5'])}${digits(8)}`;
  const number = chance(0.5) ? `06${pick(['0', '1', '2', '4', '5', '6', '7', '8'])}${digits(7)}` : chance(0.5) ? national : `07${int(5, 8)}${digits(7)}`;
  const pairs = number.match(/../g);
  return pick([
    () => pairs.join(' '),
    () => pairs.join(' '),
    () => pairs.join('.'),
    () => pairs.join('-'),
    () => number,
    () => `+33 ${number[1]} ${pairs.slice(1).join(' ')}`,
    () => `+33 (0)${number[1]} ${pairs.slice(1).join(' ')}`,
    () => `+33${number.slice(1)}`,
    () => pick([`+49 30 ${digits(8)}`, `+32 2 ${int(200, 799)} ${digits(2)} ${digits(2)}`, `+44 20 7${digits(3)} ${digits(4)}`, `+39 06 ${digits(8)}`, `+34 91 ${digits(3)} ${digits(2)} ${digits(2)}`, `+41 22 ${int(300, 799)} ${digits(2)} ${digits(2)}`]),
  ])();
}
const ibanPrinted = () => {
  const [country, bban] = pick(IBAN_COUNTRIES);
  const value = iban(country, bban());
  return chance(0.75) ? groups(value, 4) : value;
};
const nirPrinted = (value = nir()) => (chance(0.6) ? `${value[0]} ${value.slice(1, 3)} ${value.slice(3, 5)} ${value.slice(5, 7)} ${value.slice(7, 10)} ${value.slice(10, 13)} ${value.slice(13)}` : value);
const sirenPrinted = (value = siren()) => (chance(0.6) ? groups(value, 3) : value);
const siretPrinted = (value = chance(0.05) ? laPosteSiret() : siret()) => (chance(0.6) ? `${groups(value.slice(0, 9), 3)} ${value.slice(9)}` : value);
const cardPrinted = (value = card()) => (value.length === 15 ? `${value.slice(0, 4)} ${value.slice(4, 10)} ${value.slice(10)}` : chance(0.8) ? groups(value, 4, chance(0.8) ? ' ' : '-') : value);
const ipv4 = () => (chance(0.5) ? `${pick(['192.168', '10.0', '172.16'])}.${int(0, 255)}.${int(1, 254)}` : `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`);
const hex = () => int(0, 0xffff).toString(16);
const ipv6 = () => (chance(0.5) ? `2001:db8:${hex()}:${hex()}::${hex()}` : chance(0.5) ? `fe80::${hex()}:${hex()}:${hex()}:${hex()}` : Array.from({ length: 8 }, hex).join(':'));
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
function date(yearFrom, yearTo) {
  const year = int(yearFrom, yearTo);
  const month = int(1, 12);
  const day = int(1, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]);
  return pick([
    () => `${pad(day)}/${pad(month)}/${year}`,
    () => `${pad(day)}/${pad(month)}/${year}`,
    () => `${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`,
    () => `${pad(day)}.${pad(month)}.${year}`,
    () => `${year}-${pad(month)}-${pad(day)}`,
  ])();
}
const emailOf = (first, last, domain = pick(MAIL_DOMAINS)) => {
  const ascii = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
  return pick([`${ascii(first)}.${ascii(last)}`, `${ascii(first)[0]}.${ascii(last)}`, `${ascii(first)}${ascii(last)}${int(1, 99)}`, `${ascii(last)}.${ascii(first)}`])
    .concat('@', domain);
};

// ---- A document is built piece by piece; personal data is labelled as it is written ----
class Doc {
  constructor(kind, id) {
    this.kind = kind;
    this.id = id;
    this.text = '';
    this.spans = [];
  }
  add(...parts) {
    this.text += parts.join('');
    return this;
  }
  pii(type, value) {
    this.spans.push({ type, start: this.text.length, end: this.text.length + value.length, text: value });
    this.text += value;
    return this;
  }
  toJSON() {
    return { id: this.id, kind: this.kind, text: this.text, spans: this.spans };
  }
}

function person(female = chance(0.5)) {
  const first = pick(female ? FIRST_F : FIRST_M);
  const last = chance(0.07) ? pick(PARTICLE_SURNAMES) : pick(SURNAMES);
  return { first, last, female };
}
const title = (p) => (p.female ? pick(['Mme', 'Madame']) : pick(['M.', 'Monsieur']));

/** A person as written in running text: the span is the name, never the title. */
function writeName(doc, p, style = pick(['full', 'full', 'title', 'titleFull', 'upper'])) {
  if (style === 'title') return doc.add(title(p), ' ').pii('PERSON', p.last);
  if (style === 'titleFull') return doc.add(title(p), ' ').pii('PERSON', `${p.first} ${p.last}`);
  if (style === 'upper') return doc.pii('PERSON', `${p.last.toUpperCase()} ${p.first}`);
  return doc.pii('PERSON', `${p.first} ${p.last}`);
}

function writeAddress(doc, { twoLines = chance(0.3), cedex = false } = {}) {
  const [type, name] = pick(STREETS);
  const [code, commune] = pick(COMMUNES);
  const number = chance(0.92) ? `${int(1, 180)}${chance(0.1) ? pick([' bis', ' ter', 'B']) : ''}${chance(0.15) ? ',' : ''} ` : '';
  const street = `${number}${chance(0.1) && ABBREVIATED_STREETS[type] ? ABBREVIATED_STREETS[type] : type} ${name}`;
  const locality = `${code} ${commune}${cedex ? ` Cedex ${pad(int(1, 20))}` : ''}`;
  return doc.pii('ADDRESS', `${street}${twoLines ? '\n' : ', '}${locality}`);
}

// Hard negatives: things that look like personal data and are not (LABELLING.md, "Not labelled").
const NEGATIVES = [
  (doc) => doc.add(`Facture n° FA-${int(2023, 2025)}-${pad(int(1, 9999), 5)}`),
  (doc) => doc.add(`Commande CMD-${digits(6)} du ${date(2024, 2025)}`),
  (doc) => doc.add(`Montant : ${int(1, 9)} ${digits(3)},${digits(2)} €`),
  (doc) => doc.add(`Dossier n° ${pad(int(20, 25))}/${digits(5)}`),
  (doc) => doc.add(`Réf. client ${upper(2)}${digits(7)}`),
  (doc) => doc.add(`rendez-vous le ${date(2025, 2026)} à ${int(8, 18)}h${pick(['00', '15', '30', '45'])}`),
  (doc) => doc.add(`SIREN ${sirenPrinted(wrongLast(siren()))}`),
  (doc) => doc.add(`SIRET ${siretPrinted(wrongLast(siret()))}`),
  (doc) => doc.add(`IBAN ${groups(wrongIbanCheck(iban('FR', frenchBban())), 4)}`),
  (doc) => doc.add(`n° de sécurité sociale ${nirPrinted(wrongKey(nir()))}`),
  (doc) => doc.add(`carte ${cardPrinted(wrongLast(card()))}`),
  (doc) => doc.add(`carte de fidélité ${groups(`9250${digits(12)}`, 4)}`),
  (doc) => doc.add(`version ${int(1, 5)}.${int(0, 20)}.${int(0, 9)}`),
  (doc) => doc.add(`adresse ${int(256, 999)}.${int(0, 255)}.${int(0, 255)}.${int(0, 255)}`),
  (doc) => doc.add(`à ${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`),
  (doc) => doc.add(`numéro de suivi ${upper(2)}${digits(9)}FR`),
  (doc) => doc.add(`Fait à ${pick(COMMUNES)[1]}, le ${date(2024, 2025)}`),
  (doc) => doc.add(`code postal ${pick(COMMUNES)[0]}`),
  (doc) => doc.add(`en cours de traitement, sur place`),
  (doc) => doc.add(`poste ${digits(4)}, bureau ${int(100, 450)}`),
  (doc) => doc.add(`tél. ${pick(['06', '01'])} ${digits(2)} ${digits(2)} ${digits(2)}`),
];
const negative = (doc) => pick(NEGATIVES)(doc);

function mail(doc) {
  const from = person();
  const to = person();
  const fromEmail = emailOf(from.first, from.last);
  doc.add('De : ').pii('PERSON', `${from.first} ${from.last}`).add(' <').pii('EMAIL', fromEmail).add('>\n');
  doc.add('À : ').pii('EMAIL', emailOf(to.first, to.last)).add('\n');
  doc.add('Objet : ', pick(['Votre demande', 'Suite à notre échange', 'Relance', 'Documents manquants', 'Confirmation']), '\n\n');
  doc.add(pick(['Bonjour ', 'Bonsoir ', to.female ? 'Chère ' : 'Cher ']));
  if (chance(0.5)) doc.pii('PERSON', to.first);
  else doc.add(to.female ? 'Madame ' : 'Monsieur ').pii('PERSON', to.last);
  doc.add(',\n\n');
  doc.add(pick(['Suite à notre conversation téléphonique, ', 'Comme convenu, ', 'Je reviens vers vous concernant votre dossier. ']));
  if (chance(0.6)) doc.add('vous pouvez me joindre au ').pii('PHONE', phone()).add('. ');
  if (chance(0.4)) {
    doc.add("Merci d'envoyer le courrier à l'adresse suivante : ");
    writeAddress(doc);
    doc.add('. ');
  }
  if (chance(0.35)) {
    doc.add('Pour le remboursement, voici mon RIB : IBAN ').pii('IBAN', ibanPrinted()).add('. ');
  }
  if (chance(0.3)) {
    doc.add("J'ai mis ");
    writeName(doc, person(), 'full');
    doc.add(' en copie. ');
  }
  doc.add('\n');
  negative(doc);
  doc.add('.\n\n', pick(['Cordialement,', 'Bien à vous,', 'Bonne journée,']), '\n').pii('PERSON', `${from.first} ${from.last}`).add('\n');
  if (chance(0.6)) doc.add('Tél : ').pii('PHONE', phone()).add('\n');
}

function invoice(doc) {
  const [company, domain] = pick(COMPANIES);
  const client = person();
  doc.add(company, '\n');
  writeAddress(doc, { twoLines: true });
  doc.add('\nSIRET : ').pii('SIRET', siretPrinted()).add(' - RCS ', pick(COMMUNES)[1], ' ').pii('SIREN', sirenPrinted()).add('\n');
  doc.add('Contact : ').pii('EMAIL', `contact@${domain}`).add(' - ').pii('PHONE', phone()).add('\n\n');
  doc.add(`FACTURE N° ${int(2024, 2025)}-${pad(int(1, 999), 4)}\nDate : ${date(2025, 2025)}\n\n`);
  doc.add('Client : ');
  writeName(doc, client, pick(['full', 'titleFull', 'upper']));
  doc.add('\n');
  writeAddress(doc, { twoLines: true });
  doc.add('\n\n');
  for (let i = 0, n = int(1, 4); i < n; i++) doc.add(`${pick(['Prestation', 'Fourniture', 'Main d’œuvre', 'Déplacement', 'Pièces'])} ${int(1, 12)} x ${int(10, 400)},${digits(2)} €\n`);
  doc.add(`Total HT : ${int(100, 4000)},${digits(2)} €   TVA 20 %   Total TTC : ${int(120, 4800)},${digits(2)} €\n`);
  if (chance(0.6)) doc.add('Règlement par virement : IBAN ').pii('IBAN', ibanPrinted()).add(' BIC ', upper(4), 'FRPP\n');
  else doc.add('Payé par carte ').pii('CARD', cardPrinted()).add('\n');
  negative(doc);
  doc.add('\n');
  if (chance(0.3)) {
    doc.add('Société cliente : SIRET ').pii('SIRET', siretPrinted()).add('\n');
  }
  negative(doc);
  doc.add('\n');
}

function medical(doc) {
  const patient = person();
  const doctor = person();
  doc.add(pick(['COMPTE RENDU DE CONSULTATION', 'Lettre de liaison', 'Ordonnance', 'Compte rendu opératoire']), '\n\n');
  doc.add(pick([patient.female ? 'Patiente : ' : 'Patient : ', 'Nom : ']));
  writeName(doc, patient, pick(['full', 'upper', 'titleFull']));
  doc.add(`, ${patient.female ? 'née' : 'né'} le `).pii('DATE_OF_BIRTH', date(1935, 2010)).add('\n');
  if (chance(0.7)) doc.add('N° de sécurité sociale : ').pii('NIR', nirPrinted()).add('\n');
  if (chance(0.6)) {
    doc.add('Adresse : ');
    writeAddress(doc, { twoLines: false });
    doc.add('\n');
  }
  if (chance(0.5)) doc.add('Tél. : ').pii('PHONE', phone()).add('\n');
  doc.add(`\nConsultation du ${date(2025, 2025)}. `);
  doc.add(pick(['Motif : douleurs thoraciques. ', 'Motif : suivi du diabète. ', 'Motif : bilan annuel. ', 'Motif : lombalgie. ']));
  doc.add(`Tension ${int(10, 16)}/${int(6, 9)}, poids ${int(45, 110)},${int(0, 9)} kg, glycémie ${int(0, 1)},${digits(2)} g/L. `);
  doc.add(`${pick(['Doliprane', 'Metformine', 'Ramipril', 'Amoxicilline'])} ${pick(['500', '1000', '850', '5'])} mg, ${int(1, 3)} fois par jour pendant ${int(5, 30)} jours.\n`);
  if (chance(0.4)) {
    doc.add('Personne à prévenir : ');
    writeName(doc, person(), 'full');
    doc.add(', ').pii('PHONE', phone()).add('\n');
  }
  negative(doc);
  doc.add('\n\n');
  doc.add(pick(['Dr ', 'Docteur ', 'Pr ']));
  doc.pii('PERSON', chance(0.5) ? `${doctor.first} ${doctor.last}` : doctor.last);
  doc.add(`, RPPS ${digits(11)}\n`);
  if (chance(0.3)) doc.add('Secrétariat : ').pii('EMAIL', `secretariat.${doctor.last.toLowerCase().replace(/[^a-z]/g, '')}@cabinet-medical.fr`).add('\n');
}

function legal(doc) {
  const lawyer = person();
  const client = person();
  const opponent = person();
  doc.add(pick(['Maître ', 'Me ']));
  doc.pii('PERSON', chance(0.5) ? lawyer.last : `${lawyer.first} ${lawyer.last}`);
  doc.add('\nAvocat au Barreau de ', pick(COMMUNES)[1], '\n');
  writeAddress(doc, { twoLines: true, cedex: chance(0.3) });
  doc.add('\n');
  doc.add('Tél. ').pii('PHONE', phone()).add(' - ').pii('EMAIL', emailOf(lawyer.first, lawyer.last, 'avocats-associes.fr')).add('\n\n');
  doc.add(pick(['LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION', 'MISE EN DEMEURE', 'Objet : assignation']), '\n\n');
  doc.add(title(opponent), ' ').pii('PERSON', `${opponent.first} ${opponent.last}`).add('\n');
  writeAddress(doc, { twoLines: true });
  doc.add(`\n\nFait à ${pick(COMMUNES)[1]}, le ${date(2024, 2025)}\n\n`);
  doc.add(`${opponent.female ? 'Madame' : 'Monsieur'},\n\nJe vous écris au nom de mon client, `);
  writeName(doc, client, pick(['full', 'titleFull', 'title']));
  doc.add(`, ${client.female ? 'née' : 'né'} le `).pii('DATE_OF_BIRTH', date(1945, 2000)).add(', ');
  doc.add(pick(['concernant le loyer impayé de ', 'au sujet de la somme de ', 'pour le préjudice évalué à ']), `${int(500, 25000)} €. `);
  if (chance(0.5)) doc.add('La société ', pick(COMPANIES)[0], ' (SIREN ').pii('SIREN', sirenPrinted()).add(') est également concernée. ');
  doc.add(`Dossier RG ${pad(int(20, 25))}/${digits(5)}. `);
  if (chance(0.5)) doc.add('Le règlement pourra être effectué sur le compte CARPA IBAN ').pii('IBAN', ibanPrinted()).add('. ');
  negative(doc);
  doc.add('.\n\nVeuillez agréer, ', opponent.female ? 'Madame' : 'Monsieur', ", l'expression de mes salutations distinguées.\n");
}

function chat(doc) {
  const p = person();
  const openers = [
    () => {
      doc.add('Peux-tu reformuler ce mail pour mon client ');
      writeName(doc, p, 'full');
      doc.add(' (').pii('EMAIL', emailOf(p.first, p.last)).add(') en plus poli ? ');
    },
    () => {
      doc.add("J'ai une erreur de connexion depuis ").pii('IP', chance(0.7) ? ipv4() : ipv6()).add(' quand je lance le service, voici les logs : ');
      doc.add(`[${date(2025, 2025)} ${pad(int(0, 23))}:${pad(int(0, 59))}] refused from `).pii('IP', ipv4()).add(`, node v${int(18, 22)}.${int(0, 20)}.${int(0, 9)}. `);
    },
    () => {
      doc.add('Résume ce dossier : ');
      writeName(doc, p, 'titleFull');
      doc.add(`, ${p.female ? 'née' : 'né'} le `).pii('DATE_OF_BIRTH', date(1950, 2005)).add(', NIR ').pii('NIR', nirPrinted()).add(', demande une aide au logement. ');
    },
    () => {
      doc.add('Vérifie si ce RIB est bon : ').pii('IBAN', ibanPrinted()).add(' et ce numéro de SIRET ').pii('SIRET', siretPrinted()).add('. ');
    },
    () => {
      doc.add('Écris une réponse à ');
      writeName(doc, p, pick(['full', 'titleFull']));
      doc.add(' qui habite ');
      writeAddress(doc, { twoLines: false });
      doc.add(' et qui se plaint de sa facture. Son numéro : ').pii('PHONE', phone()).add('. ');
    },
    () => {
      doc.add("Le paiement par carte ").pii('CARD', cardPrinted()).add(' a été refusé, pourquoi ? ');
    },
  ];
  pick(openers)();
  if (chance(0.5)) pick(openers)();
  if (chance(0.6)) negative(doc);
  doc.add(pick([' Merci !', ' Fais court.', ' Réponds en français.', '']));
}

const KINDS = { mail, invoice, medical, legal, chat };
const docs = [];
for (const [kind, write] of Object.entries(KINDS)) {
  for (let i = 0; i < PER_KIND; i++) {
    const doc = new Doc(kind, `${kind}-${pad(i + 1, 3)}`);
    write(doc);
    docs.push(doc);
  }
}
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : new URL('./corpus.jsonl', import.meta.url);
writeFileSync(out, docs.map((doc) => JSON.stringify(doc)).join('\n') + '\n');
const spans = docs.reduce((count, doc) => count + doc.spans.length, 0);
process.stdout.write(`${docs.length} documents, ${spans} labelled spans (seed ${SEED})\n`);
