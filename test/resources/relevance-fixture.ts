/**
 * A labelled relevance fixture for search (issue 7): 32 short documents on distinct topics, with
 * near-miss distractors that share words, and 10 queries each written for one expected document.
 * Five queries are paraphrases (few shared words: meaning has to carry them), three use rare terms
 * the embedding model hardly knows (exact words carry them), two are ordinary.
 */
export interface FixtureDoc {
  readonly key: string;
  readonly title: string;
  readonly content: string;
}

export const RELEVANCE_DOCS: readonly FixtureDoc[] = [
  {
    key: 'photosynthesis',
    title: 'Photosynthesis',
    content:
      'Green leaves capture light with chlorophyll and convert carbon dioxide and water into glucose and oxygen. The light reactions happen in the thylakoid membranes of the chloroplast.',
  },
  {
    key: 'solar-panels',
    title: 'Rooftop solar panels',
    content:
      'Photovoltaic cells on a roof convert light into electricity for the home. Inverters change direct current into alternating current and surplus power is sold to the grid.',
  },
  {
    key: 'black-holes',
    title: 'Black holes',
    content:
      'When a massive star collapses, gravity becomes so strong that nothing, not even light, escapes past the event horizon. Hawking radiation slowly evaporates them.',
  },
  {
    key: 'star-formation',
    title: 'How stars form',
    content:
      'Clouds of gas and dust in the galaxy collapse under gravity into protostars. Nuclear fusion of hydrogen begins when the core becomes hot enough.',
  },
  {
    key: 'vaccines',
    title: 'How vaccines work',
    content:
      'A vaccine trains the immune system with a harmless piece of a pathogen so antibodies and memory cells are ready before a real infection. Boosters renew the protection.',
  },
  {
    key: 'antibiotics',
    title: 'Antibiotic resistance',
    content:
      'Bacteria that survive a course of antibiotics pass on resistance genes. Overuse in farming and medicine speeds up the spread of resistant infections.',
  },
  {
    key: 'bread',
    title: 'Baking sourdough bread',
    content:
      'A starter of wild yeast and lactic bacteria ferments the dough overnight. The gas it produces makes the loaf rise, and a hot oven gives a crisp crust.',
  },
  {
    key: 'pasta',
    title: 'Fresh pasta at home',
    content:
      'Knead flour and eggs into a smooth dough, rest it, then roll it thin and cut tagliatelle. Cook it for two minutes in salted boiling water.',
  },
  {
    key: 'depression-1929',
    title: 'The Great Depression',
    content:
      'The Wall Street crash of October 1929 wiped out savings; banks failed, unemployment soared and world trade collapsed during the following decade.',
  },
  {
    key: 'bitcoin',
    title: 'Cryptocurrency volatility',
    content:
      'Bitcoin prices swing wildly because speculation, thin liquidity and news drive the market. Investors can lose half their money in weeks.',
  },
  {
    key: 'deep-learning',
    title: 'Training deep neural networks',
    content:
      'Backpropagation computes the gradient of the loss for every weight, and stochastic gradient descent updates the weights over many epochs of training data.',
  },
  {
    key: 'databases',
    title: 'Database indexes',
    content:
      'A B-tree index lets the database find rows without scanning the whole table. Too many indexes slow down inserts and updates.',
  },
  {
    key: 'coral',
    title: 'Coral reefs in danger',
    content:
      'Warmer seas make corals expel the algae living in their tissue, and the reef turns white. Repeated bleaching kills the colony and the fish that depend on it.',
  },
  {
    key: 'rainforest',
    title: 'Amazon deforestation',
    content:
      'Cattle ranching and logging clear large parts of the Amazon rainforest every year, releasing carbon and destroying the habitat of countless species.',
  },
  {
    key: 'pyramids',
    title: 'Building the pyramids of Giza',
    content:
      'Egyptian workers quarried limestone blocks, moved them on sledges over wetted sand and raised them with ramps to build tombs for the pharaohs.',
  },
  {
    key: 'roman-roads',
    title: 'Roman roads',
    content:
      'The Roman empire built paved roads with layers of gravel and stone so legions and merchants could travel quickly between provinces.',
  },
  {
    key: 'sleep',
    title: 'Sleeping better',
    content:
      'Keep a regular bedtime, avoid caffeine in the afternoon and screens before bed, and keep the bedroom dark and cool to fall asleep faster and wake up rested.',
  },
  {
    key: 'running',
    title: 'Training for a marathon',
    content:
      'Build weekly mileage slowly, add one long run each weekend, and taper before race day to avoid injury and arrive fresh at the start line.',
  },
  {
    key: 'ev-batteries',
    title: 'Electric vehicle batteries',
    content:
      'Lithium-ion battery packs store the energy that drives an electric car. Their range depends on capacity, temperature and how fast they are charged.',
  },
  {
    key: 'combustion',
    title: 'Petrol engines',
    content:
      'In a four-stroke engine, fuel and air are compressed and ignited by a spark plug; the explosion pushes the piston and turns the crankshaft.',
  },
  {
    key: 'volcanoes',
    title: 'Volcanic eruptions',
    content:
      'Magma rises through cracks in the crust; dissolved gases expand and an eruption throws out ash and lava. Some volcanoes stay dormant for centuries.',
  },
  {
    key: 'earthquakes',
    title: 'Why earthquakes happen',
    content:
      'Tectonic plates grind past each other and stress builds along faults until the rock slips, sending seismic waves through the ground.',
  },
  {
    key: 'chess',
    title: 'Chess openings',
    content:
      'The Sicilian Defence and the Queen’s Gambit are popular openings; good players control the centre, develop pieces and castle early.',
  },
  {
    key: 'guitar',
    title: 'Learning the guitar',
    content:
      'Beginners practise chords and strumming patterns every day; calluses form on the fingertips after a few weeks of playing.',
  },
  {
    key: 'bees',
    title: 'Honey bees and pollination',
    content:
      'Bees carry pollen from flower to flower while collecting nectar, fertilising crops such as apples and almonds. Colony collapse threatens harvests.',
  },
  {
    key: 'coffee',
    title: 'Brewing coffee',
    content:
      'Grind the beans just before brewing, use water slightly below boiling and a ratio of about sixty grams of coffee per litre for a balanced cup.',
  },
  {
    key: 'recycling',
    title: 'Plastic recycling',
    content:
      'Only some plastics can be recycled; bottles are sorted, washed, shredded into flakes and melted into pellets for new products.',
  },
  {
    key: 'vitamins',
    title: 'Vitamin D and sunlight',
    content:
      'The skin makes vitamin D when exposed to sunlight; people in northern winters often need supplements to keep their bones strong.',
  },
  {
    key: 'inflation',
    title: 'Inflation and interest rates',
    content:
      'When prices rise quickly, central banks raise interest rates to cool borrowing and spending, which slows the economy.',
  },
  {
    key: 'password',
    title: 'Strong passwords',
    content:
      'Use a long passphrase and a password manager, never reuse passwords between sites, and turn on two-factor authentication.',
  },
  {
    key: 'dinosaurs',
    title: 'Extinction of the dinosaurs',
    content:
      'An asteroid struck the Yucatán peninsula 66 million years ago; the impact winter that followed wiped out the dinosaurs.',
  },
  {
    key: 'whales',
    title: 'Whale migration',
    content:
      'Humpback whales swim thousands of kilometres each year between cold feeding grounds and warm tropical waters where they give birth.',
  },
];

export interface FixtureQuery {
  readonly query: string;
  readonly expected: string;
}

export const RELEVANCE_QUERIES: readonly FixtureQuery[] = [
  // Paraphrases: few or none of the document's words.
  { query: 'how do plants make food from sunlight', expected: 'photosynthesis' },
  { query: 'keeping accounts safe online', expected: 'password' },
  { query: 'cutting down trees in brazil', expected: 'rainforest' },
  { query: 'insects that help fruit grow', expected: 'bees' },
  { query: 'when the ground shakes', expected: 'earthquakes' },
  // Rare terms the embedding model barely knows.
  { query: 'thylakoid', expected: 'photosynthesis' },
  { query: 'tagliatelle', expected: 'pasta' },
  { query: 'hawking radiation', expected: 'black-holes' },
  // Ordinary queries sharing words with the document.
  { query: '1929 wall street crash', expected: 'depression-1929' },
  { query: 'why does dough rise yeast', expected: 'bread' },
];
