// A retrieved document that addresses the model reading it ("Note pour l'assistant qui lit ce
// document", "to the AI reading this", "when answering any question about this file"): a document
// of the organisation is written for people, and has no reason to speak to the model that quotes
// it, so what it says to the model is an instruction smuggled into the sources. Read in retrieved
// text only (a caller does speak to the model), as word sequences over the folded words
// (word-sequence.matcher.ts), a colon being the word `§` (folding leaves none of its own), so that
// "Note pour l'assistant :" is told from "note pour l'assistant de direction".
//
// The ambiguous addressees (assistant, modèle, agent: people hold those jobs) count only with what
// makes them a model: a colon after them, "qui lit ce document", "virtuel", "IA". The unambiguous
// ones (IA, AI, LLM, chatbot, GPT) count after a note, a "si tu es", or a verb of reading.
import type { WordRule } from './word-sequence.matcher.js';

export const ADDRESSED_TO_MODEL_RULE = 'retrieved.addresses-model';

/** What stands for a colon among the words. */
export const COLON_WORD = '§';

const NOTE_FR = 'note|message|avis|consigne|remarque|rappel|instruction|information|attention|avertissement|memo|mot|precision|directive';
const TO_FR = 'pour|a|au|aux|destination';
const ARTICLE_FR = 'l|le|la|les|un|une|tout|toute|tous|toutes|chaque';
const AI = 'ia|ai|llm|chatbot|bot|gpt|chatgpt|copilot';
const AMBIGUOUS_FR = 'assistant|modele|agent|systeme';
const MODEL_QUALIFIER_FR = `${COLON_WORD}|ia|ai|virtuel|virtuelle|intelligent|conversationnel|artificiel|automatique|numerique|lisant`;
const READS_FR = 'lit|lira|lis|lisez|parcourt|analyse|analysera|resume|resumera|recoit|recevra|traite|traitera|interprete|utilise|utilisera';
const THIS_FR = 'ce|cet|cette|ces|ceci|cela|ca';
/** What is read: a document, or a message (« l'IA qui lit ce message »). */
const READ_FR = 'document|texte|fichier|extrait|contenu|passage|page|ligne|note|message';
/** What is answered about: a document, never a message (« si vous répondez à ce message » is a letter's). */
const DOCUMENT_FR = 'document|texte|fichier|extrait|contenu|passage|page';
const ANSWERS_FR = 'repond|reponds|repondez|repondra|repondras|repondrez|reponde|repondes|repondiez|resume|resumes|resumez';

const NOTE_EN = 'note|message|notice|instruction|attention|reminder|memo|hint|important|warning|psa';
const ARTICLE_EN = 'the|any|all|an|a|every|each';
const AMBIGUOUS_EN = 'assistant|model|agent|system';
const MODEL_QUALIFIER_EN = `${COLON_WORD}|ai|reading|processing|parsing|summarizing|summarising`;
const READING_EN = 'reading|parsing|summarizing|summarising|ingesting|seeing|viewing';
const THIS_EN = 'this|these|it|me';
/** What is answered about: a document, never a message ("if you reply to this message" is an email's). */
const DOCUMENT_EN = 'document|file|text|page|content|excerpt|passage|chunk|context|pdf';
const ANSWERING_EN = 'answer|answering|respond|responding|reply|replying|summarize|summarizing|summarise|summarising';

export const ADDRESSED_TO_MODEL_RULES: readonly WordRule[] = [
  {
    id: ADDRESSED_TO_MODEL_RULE,
    sequences: [
      // « Note pour l'IA », « à l'attention de l'assistant virtuel », « message pour le modèle : »
      `${NOTE_FR} ~0 ${TO_FR} ~1 ${ARTICLE_FR} ~0 ${AI}`,
      `${NOTE_FR} ~0 ${TO_FR} ~1 ${ARTICLE_FR} ~0 intelligence ~0 artificielle`,
      `${NOTE_FR} ~0 ${TO_FR} ~1 ${ARTICLE_FR} ~0 ${AMBIGUOUS_FR} ~0 ${MODEL_QUALIFIER_FR}`,
      `${NOTE_FR} ~0 ${TO_FR} ~1 ${ARTICLE_FR} ~0 ${AMBIGUOUS_FR} ~0 qui ~0 ${READS_FR}`,
      `attention ~0 de|du|des ~1 ${ARTICLE_FR} ~0 ${AI}`,
      `attention ~0 de|du|des ~1 ${ARTICLE_FR} ~0 ${AMBIGUOUS_FR} ~0 ${MODEL_QUALIFIER_FR}`,
      // « l'IA qui lit ce message », « l'assistant qui lit ce document », « modèle lisant ce texte »
      `${AI} ~0 qui ~0 ${READS_FR} ~0 ${THIS_FR} ~0 ${READ_FR}`,
      `${AI} ~0 qui ~0 lit|lira|lis|lisez ~0 ceci|cela|ca`,
      `assistant|modele ~0 qui ~0 ${READS_FR} ~0 ${THIS_FR} ~0 ${READ_FR}`,
      `${AI}|assistant|modele ~0 lisant|analysant|traitant|resumant|parcourant ~0 ${THIS_FR}`,
      // « si tu es une IA », « si vous êtes un modèle de langage »
      `si ~0 tu|vous ~0 es|etes ~0 un|une ~0 ${AI}|intelligence`,
      `si ~0 tu|vous ~0 es|etes ~0 un|une ~0 ${AMBIGUOUS_FR} ~0 ${MODEL_QUALIFIER_FR}`,
      'si ~0 tu|vous ~0 es|etes ~0 un|une ~0 modele ~0 de ~0 langage',
      // « quand tu réponds à une question sur ce document »
      `lorsque|quand|si|des|chaque ~2 tu|vous ~0 ${ANSWERS_FR} ~6 ${THIS_FR} ~0 ${DOCUMENT_FR}`,
      `en ~0 repondant|resumant ~6 ${THIS_FR} ~0 ${DOCUMENT_FR}`,
      // "Note to the AI", "message for the assistant:", "to the AI reading this"
      `${NOTE_EN} ~0 to|for ~1 ${ARTICLE_EN} ~0 ${AI}|ais|llms`,
      `${NOTE_EN} ~0 to|for ~1 ${ARTICLE_EN} ~0 ${AMBIGUOUS_EN} ~0 ${MODEL_QUALIFIER_EN}`,
      `${AI}|ais|llms|assistant|model ~1 ${READING_EN} ~0 ${THIS_EN}`,
      // "if you are an AI", "if you're a language model"
      `if ~0 you ~0 are|re ~0 an|a ~0 ${AI}|robot`,
      'if ~0 you ~0 are|re ~0 an|a ~0 language|large ~0 model|language',
      `if ~0 you ~0 are|re ~0 an|a ~0 ${AMBIGUOUS_EN} ~0 ai|reading|${COLON_WORD}`,
      // "when answering any question about this file", "when asked about this document"
      `when|whenever|while|before|if ~1 ${ANSWERING_EN} ~6 this|these ~0 ${DOCUMENT_EN}`,
      `when|whenever|if ~0 asked ~3 this|these ~0 ${DOCUMENT_EN}`,
    ],
  },
];
