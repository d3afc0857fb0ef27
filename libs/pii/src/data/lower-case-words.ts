// What a name typed in lower case is told apart from (person.recogniser.ts): in lower case, "jean
// dupont" is a name only because "jean" is a first name of the dictionary and "dupont" none of the
// ordinary words that stand beside a first name in a sentence. Written here by hand, in lower case;
// the dictionary of first names is src/data/first-names.ts.

/**
 * First names of the dictionary that, written in lower case, are mostly an ordinary word ("une
 * pierre", "une rose", "la marine", "max dix caractères", "you may"): in lower case they are not
 * read as first names.
 */
export const FIRST_NAMES_THAT_ARE_WORDS: readonly string[] = `
pierre rose claire blanche marine olive ange aimé aimée prudence constance victoire aurore colombe violette
violet fleur jade ambre capucine marguerite iris perle cerise prune olivier marin clément clémence germain
urbain maxime auguste céleste désiré félicité mélodie hermine garance lilas jasmin amande améthyste barbe
brune merle nil colin honoré martial romain camélia dahlia jacinthe myrtille anémone clémentine flore
sylvestre azalée alpha max
can grant bob faith hope miles may mark bill ray pat nick sue rex jack angel melody earl penny ruby pearl
opal crystal amber hazel lily daisy holly ivy heather basil clay dean gene guy joy nine grace june april dawn jay
`
  .split(/\s+/)
  .filter((word) => word.length > 0);

/**
 * Ordinary words that stand next to a first name in a sentence and are not a surname: articles,
 * pronouns, prepositions, conjunctions, adverbs, numbers, the commonest verbs in the forms that
 * follow a name ("jean est", "julie a appelé", "thomas habite"), states, roles and kin ("thomas
 * malade", "emma stagiaire", "julie sœur de…"), colours, greetings; a few English ones. Surnames that
 * are also words (blanc, brun, petit, cousin, boulanger) are left out: "jean petit" is a name.
 */
export const COMMON_WORDS: readonly string[] = `
le la les un une des du de au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos
leur leurs quel quelle quels quelles tout toute tous toutes chaque plusieurs aucun aucune autre autres
même mêmes tel telle tels telles certains certaines quelques
je tu il elle on nous vous ils elles me te se moi toi lui eux en qui que quoi dont où ça cela ceci
celui celle ceux celles ci là
avec sans pour par sur sous dans chez vers entre contre depuis pendant avant après et ou mais donc or
ni car si comme quand lorsque puisque parce selon malgré via dès jusque envers hors sauf
ne pas plus moins très trop bien mal aussi encore déjà toujours jamais souvent parfois ici hier demain
aujourd maintenant ensuite alors puis enfin oui non vite tard tôt beaucoup peu assez seulement surtout
vraiment environ presque ainsi ailleurs partout dedans dehors dessus dessous loin près combien comment
pourquoi matin soir midi voici voilà numéro
deux trois quatre cinq six sept huit neuf dix onze douze vingt trente cent mille premier première
second seconde dernier dernière
est es suis sommes êtes sont était étaient étais sera seront serait seraient été soit
as ai avons avez ont avait avaient aura auront aurait auraient eu ait
va vas vais allons allez vont allait ira iront irait allé allée
fait fais faisons faites font faisait fera feront ferait dit dis disent disait dira
peut peux peuvent pouvait pourra pourrait doit dois doivent devait devra devrait
veut veux veulent voulait voudrait voudra sait sais savent savait saura
vient viens viennent venait viendra venu venue prend prends prennent prenait prendra pris prise
met mets mettent mis mise voit vois voient voyait verra vu vue
appelle appelé appelée rappelle rappelé écrit écrite habite habité travaille travaillé pense trouve trouvé
donne donné demande demandé aime aimé connaît parle parlé passe passé rentre revient reste resté part
parti partie arrive arrivé arrivée sort sorti reçoit reçu envoie envoyé répond répondu attend attendu
cherche vit mange dort joue regarde lit croit semble devient tient laisse suit sent commence finit
ouvre ferme paie paye signe signé confirme confirmé souhaite propose accepte refuse explique indique
précise ajoute veuille
appeler rappeler contacter voir écrire envoyer demander prévenir relancer informer répondre
né née décédé décédée
malade malades absent absente présent présente seul seule heureux heureuse content contente triste
fatigué fatiguée enceinte occupé occupée disponible libre prêt prête ravi ravie désolé désolée
président présidente directeur directrice stagiaire pompier médecin infirmier infirmière avocat avocate
comptable secrétaire assistant assistante responsable collègue ami amie copain copine frère sœur fils
fille mère père oncle tante voisin voisine patron patronne chef élève étudiant étudiante prof
merci bonjour bonsoir salut cordialement bises bisous
bleu bleue vert verte rouge noir noire jaune gris grise beige orange
the an and or of to in on at for with is was are be been has have had will would could should might
must not this that it he she they we you my your his her their him us them do does did from by as if
so but
`
  .split(/\s+/)
  .filter((word) => word.length > 0);
