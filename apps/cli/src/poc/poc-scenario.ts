// The proof of concept's script: fictitious French dossiers (a health insurer's claims, an
// accountant's expense files, a law firm's cases), each about one made-up person with a name, an
// email, a mobile number, an IBAN and a NIR; then the questions asked about them (retrieval chat),
// the requests written around them (plain chat) and the summaries asked for (streamed chat). All of
// it comes from the seed: the same seed, the same scenario. Each text lists the identifiers it
// holds, so that a test can check that the PII engine finds every one.
import type { PiiScanner } from '@gardien/pii';
import { SeededRandom, emailOf, frenchIban, frenchMobile, frenchNir } from './fictitious-identifiers.js';

export type PlantedType = 'PERSON' | 'EMAIL' | 'PHONE' | 'IBAN' | 'NIR';

/** An identifier a text holds, as it is written there. */
export interface PlantedIdentifier {
  type: PlantedType;
  value: string;
}

export interface ScenarioText {
  text: string;
  planted: PlantedIdentifier[];
}

export interface ScenarioDocument extends ScenarioText {
  reference: string;
}

export interface ScenarioSizes {
  documents: number;
  retrieval_chats: number;
  plain_chats: number;
  streamed_chats: number;
}

export interface Scenario {
  seed: number;
  documents: ScenarioDocument[];
  retrievalChats: ScenarioText[];
  plainChats: ScenarioText[];
  streamedChats: ScenarioText[];
}

interface Person {
  title: 'M.' | 'Mme';
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  iban: string;
  nir: string;
}

const WOMEN = ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Sarah', 'Julie', 'Emma', 'Louise', 'Alice', 'Lucie', 'Nathalie', 'Isabelle', 'Sophie', 'Céline', 'Claire', 'Hélène', 'Marion', 'Audrey', 'Pauline'];
const MEN = ['Lucas', 'Hugo', 'Louis', 'Thomas', 'Nicolas', 'Julien', 'Antoine', 'Maxime', 'Paul', 'Olivier', 'Laurent', 'François', 'Mathieu', 'Romain', 'Théo', 'Nathan', 'Arthur', 'Vincent', 'Sébastien', 'Guillaume'];
const SURNAMES = [
  'Martin', 'Bernard', 'Dubois', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Lefebvre', 'Garcia', 'Bertrand', 'Roux', 'Fournier', 'Morel',
  'Girard', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Roussel', 'Perrin', 'Morin', 'Fontaine',
];
/** Domains of no one: the examples of the documentation ranges, in French. */
const DOMAINS = ['exemple.fr', 'courriel-exemple.fr', 'mutuelle-exemple.fr', 'cabinet-exemple.fr', 'exemple.com'];

/** One line per dossier, for a model whose context holds little (the demo model: 512 tokens, one a character): the same identifiers, few words around them. */
const compact = (what: string) => (p: Person, ref: string) => `Dossier ${ref} (${what}). ${p.title} ${p.firstName} ${p.lastName}, NIR ${p.nir}, ${p.email}, tél. ${p.phone}, IBAN ${p.iban}.`;

const KINDS = [
  {
    name: 'remboursement de soins',
    compact: compact('mutuelle, remboursement de soins'),
    body: (p: Person, ref: string) =>
      `Dossier ${ref} (mutuelle). L'assuré${p.title === 'Mme' ? 'e' : ''} ${p.title} ${p.firstName} ${p.lastName}, numéro de sécurité sociale ${p.nir}, demande le remboursement d'une consultation de spécialiste et de deux séances de kinésithérapie. ` +
      `Le décompte est à envoyer à ${p.email}. Pour toute question, joindre l'assuré${p.title === 'Mme' ? 'e' : ''} au ${p.phone}. Le remboursement sera versé sur l'IBAN ${p.iban}.`,
  },
  {
    name: 'note de frais',
    compact: compact('cabinet comptable, note de frais'),
    body: (p: Person, ref: string) =>
      `Dossier ${ref} (cabinet comptable). Note de frais de ${p.title} ${p.firstName} ${p.lastName} pour un déplacement à Lyon : train, deux nuits d'hôtel et repas, justificatifs joints. ` +
      `Le salarié est joignable au ${p.phone} et par courriel à ${p.email}. Virement du remboursement sur l'IBAN ${p.iban}. Numéro de sécurité sociale pour la paie : ${p.nir}.`,
  },
  {
    name: 'litige locatif',
    compact: compact("cabinet d'avocats, litige locatif"),
    body: (p: Person, ref: string) =>
      `Dossier ${ref} (cabinet d'avocats). Notre client${p.title === 'Mme' ? 'e' : ''}, ${p.title} ${p.firstName} ${p.lastName}, conteste la retenue de son dépôt de garantie par son ancien bailleur. ` +
      `Coordonnées : ${p.email}, ${p.phone}. La restitution du dépôt est attendue sur l'IBAN ${p.iban}. NIR communiqué pour l'aide juridictionnelle : ${p.nir}.`,
  },
] as const;

function person(random: SeededRandom): Person {
  const woman = random.next() < 0.5;
  const firstName = random.pick(woman ? WOMEN : MEN);
  const lastName = random.pick(SURNAMES);
  return {
    title: woman ? 'Mme' : 'M.',
    firstName,
    lastName,
    email: emailOf(firstName, lastName, random.pick(DOMAINS)),
    phone: frenchMobile(random),
    iban: frenchIban(random),
    nir: frenchNir(random, woman ? 2 : 1),
  };
}

const fullName = (p: Person): string => `${p.firstName} ${p.lastName}`;

/** Every identifier of a person, as the texts write them (the name without its title: the engine leaves the title out of the span). */
const allOf = (p: Person): PlantedIdentifier[] => [
  { type: 'PERSON', value: fullName(p) },
  { type: 'EMAIL', value: p.email },
  { type: 'PHONE', value: p.phone },
  { type: 'IBAN', value: p.iban },
  { type: 'NIR', value: p.nir },
];

const RETRIEVAL = [
  (p: Person, ref: string): ScenarioText => ({ text: `Sur quel IBAN faut-il verser le remboursement du dossier ${ref} de ${p.title} ${fullName(p)} ?`, planted: [{ type: 'PERSON', value: fullName(p) }] }),
  (p: Person, ref: string): ScenarioText => ({ text: `Le dossier ${ref} est-il complet ? L'assuré a écrit depuis ${p.email}.`, planted: [{ type: 'EMAIL', value: p.email }] }),
  (p: Person, ref: string): ScenarioText => ({ text: `Quelles pièces manquent au dossier ${ref} ? Rappeler le ${p.phone} si besoin.`, planted: [{ type: 'PHONE', value: p.phone }] }),
];

const PLAIN = [
  (p: Person, ref: string): ScenarioText => ({
    text: `Rédige un courriel de relance à ${p.title} ${fullName(p)} (${p.email}) au sujet des justificatifs manquants du dossier ${ref}.`,
    planted: [{ type: 'PERSON', value: fullName(p) }, { type: 'EMAIL', value: p.email }],
  }),
  (p: Person, ref: string): ScenarioText => ({
    text: `Prépare un message pour confirmer le virement sur l'IBAN ${p.iban} (dossier ${ref}) et proposer un rappel au ${p.phone}.`,
    planted: [{ type: 'IBAN', value: p.iban }, { type: 'PHONE', value: p.phone }],
  }),
];

const STREAMED = [
  (p: Person, ref: string): ScenarioText => ({
    text: `Résume en trois points la situation de ${p.title} ${fullName(p)}, numéro de sécurité sociale ${p.nir}, dossier ${ref}.`,
    planted: [{ type: 'PERSON', value: fullName(p) }, { type: 'NIR', value: p.nir }],
  }),
  (p: Person, ref: string): ScenarioText => ({
    text: `Liste les prochaines étapes du dossier ${ref} ; le contact est ${p.email}, tél. ${p.phone}.`,
    planted: [{ type: 'EMAIL', value: p.email }, { type: 'PHONE', value: p.phone }],
  }),
];

/** `compact`: dossiers of one line each, for a model with a small context (see fitToContext). */
export function buildScenario(seed: number, sizes: ScenarioSizes, options: { compact?: boolean } = {}): Scenario {
  const random = new SeededRandom(seed);
  const year = 2026;
  const people = Array.from({ length: sizes.documents }, () => person(random));
  const references = people.map((_, i) => `${year}-${pad3(100 + i * 7 + random.int(0, 6))}`);
  const documents = people.map((p, i) => {
    const kind = KINDS[i % KINDS.length]!;
    return { reference: references[i]!, text: (options.compact ? kind.compact : kind.body)(p, references[i]!), planted: allOf(p) };
  });
  // Questions follow the dossiers round, each kind of question in turn.
  const about = (count: number, forms: readonly ((p: Person, ref: string) => ScenarioText)[]) =>
    Array.from({ length: count }, (_, i) => {
      const which = random.int(0, people.length - 1);
      return forms[i % forms.length]!(people[which]!, references[which]!);
    });
  return {
    seed,
    documents,
    retrievalChats: about(sizes.retrieval_chats, RETRIEVAL),
    plainChats: about(sizes.plain_chats, PLAIN),
    streamedChats: about(sizes.streamed_chats, STREAMED),
  };
}

const pad3 = (value: number): string => String(value).padStart(3, '0');

/** Below this context (in tokens), a retrieved dossier, the gateway's header and the question do not fit whole dossiers and three chunks. */
export const SMALL_CONTEXT = 2_048;

/**
 * What the scenario can ask of a model with this context: whole dossiers and the config's top_k, or,
 * below SMALL_CONTEXT, one-line dossiers and one chunk per question (a prompt longer than the
 * context is refused by the runtime).
 */
export function fitToContext(contextLength: number, topK: number): { compact: boolean; topK: number } {
  return contextLength < SMALL_CONTEXT ? { compact: true, topK: 1 } : { compact: false, topK };
}

export function textsOf(scenario: Scenario): ScenarioText[] {
  return [...scenario.documents, ...scenario.retrievalChats, ...scenario.plainChats, ...scenario.streamedChats];
}

/** The planted identifiers the engine does not find with their type in their text, as "TYPE" (never the value): each would reach the runtime in clear. */
export function missedByEngine(scenario: Scenario, scanner: PiiScanner): { total: number; missed: string[] } {
  let total = 0;
  const missed: string[] = [];
  for (const { text, planted } of textsOf(scenario)) {
    const findings = scanner.scan(text);
    for (const identifier of planted) {
      total += 1;
      if (!findings.some((finding) => finding.type === identifier.type && finding.text.includes(identifier.value))) missed.push(identifier.type);
    }
  }
  return { total, missed };
}
