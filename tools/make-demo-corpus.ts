/**
 * Writes data/demo-corpus.jsonl: the demo's own corpus, composed from phrases written for this project
 * (film, restaurant and phone reviews with sentiment labels, and unlabelled news-style lines).
 * No public dataset is used. Seeded, so the committed file is reproducible:
 *   node bin/run-ts.mjs tools/make-demo-corpus.ts [--out data/demo-corpus.jsonl] [--per-domain 300]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRng } from '../functions/lib/stats/rng.ts';

type Domain = 'film' | 'restaurant' | 'phone' | 'news';

interface Phrasebook {
  subjects: string[];
  positive: string[];
  negative: string[];
  openers: string[];
  /** Openers that only read right before a complaint. */
  negativeOpeners: string[];
}

const PHRASES: Record<Exclude<Domain, 'news'>, Phrasebook> = {
  film: {
    subjects: [
      'the film',
      'this movie',
      'the script',
      'the lead performance',
      'the second act',
      'the director',
      'the ensemble cast',
      'the soundtrack',
      'the ending',
      'the cinematography',
      'the dialogue',
      'this thriller',
      'the comedy',
      'the documentary',
      'the sequel',
      'the animation',
    ],
    positive: [
      'is a warm and funny delight',
      'is beautifully acted from start to finish',
      'kept me gripped throughout',
      'is smart, moving and surprisingly tender',
      'lands every joke without trying too hard',
      'is the most affecting thing I have seen this year',
      'earns its big emotional finale',
      'is gorgeous to look at and easy to love',
      'feels fresh, sharp and confident',
      'rewards patience with a wonderful payoff',
      'is clever and genuinely thrilling',
      'made the whole audience laugh out loud',
    ],
    negative: [
      'is dull and far too long',
      'falls apart in a muddled final hour',
      'wastes a talented cast',
      'is a lifeless, predictable mess',
      'never finds a reason to exist',
      'drags badly after a decent start',
      'is loud, hollow and tiresome',
      'mistakes noise for excitement',
      'left me bored and checking my watch',
      'is clumsy, cheap and forgettable',
      'has no idea what story it wants to tell',
      'is painfully unfunny',
    ],
    openers: ['', '', 'Honestly, ', 'Overall, ', 'In the end, ', 'For what it is worth, '],
    negativeOpeners: ['Sadly, ', 'Unfortunately, '],
  },
  restaurant: {
    subjects: [
      'the pasta',
      'our waiter',
      'the brunch menu',
      'the pizza',
      'the service',
      'the dessert',
      'the curry',
      'the coffee',
      'the kitchen',
      'the booth by the window',
      'the tasting menu',
      'the burger',
      'the sushi',
      'the wine list',
      'the staff',
      'the soup of the day',
    ],
    positive: [
      'was fresh, hot and full of flavour',
      'made our anniversary dinner special',
      'was worth every penny',
      'came out quickly and perfectly seasoned',
      'was friendly and remembered our order',
      'is the best in the neighbourhood',
      'had generous portions at a fair price',
      'was crisp and delicious',
      'will bring us back next week',
      'was spotless and welcoming',
    ],
    negative: [
      'was cold and bland when it arrived',
      'took forty minutes to show up',
      'was rude and ignored our table',
      'was greasy and overpriced',
      'tasted stale and reheated',
      'left us waiting for the bill forever',
      'was salty enough to be inedible',
      'gave my friend food poisoning',
      'was a soggy disappointment',
      'was dirty and smelled of old oil',
    ],
    openers: ['', '', 'Honestly ', 'Tonight ', 'Last Friday '],
    negativeOpeners: ['Sadly ', 'Sadly '],
  },
  phone: {
    subjects: [
      'the battery',
      'this charger',
      'the headset',
      'the case',
      'the screen',
      'the bluetooth connection',
      'this phone',
      'the camera',
      'the speaker',
      'the signal',
      'the earpiece',
      'the cable',
      'the car mount',
      'the touchscreen',
      'the software update',
      'the customer support line',
    ],
    positive: [
      'lasts two full days on a charge',
      'works perfectly with my car',
      'fits snugly and feels solid',
      'is bright and easy to read outdoors',
      'paired in seconds and never drops',
      'is a great value for the money',
      'sounds clear even on a windy street',
      'charges my phone really fast',
      'has held up after a year of use',
      'exceeded my expectations',
    ],
    negative: [
      'died after two weeks',
      'stopped charging after a month',
      'keeps dropping calls',
      'cracked the first time I dropped it',
      'is too quiet to hear anything',
      'will not hold a charge overnight',
      'broke off in my hand',
      'is a waste of money',
      'crackles with static constantly',
      'froze and had to be reset twice a day',
    ],
    openers: ['', '', 'So far ', 'After a week, '],
    negativeOpeners: ['Unfortunately ', 'Be warned: '],
  },
};

const NEWS = {
  actors: [
    'The city council',
    'Regional officials',
    'The central bank',
    'Local farmers',
    'A coalition of hospitals',
    'The transport authority',
    'Researchers at the university',
    'The national weather service',
    'Shipping companies',
    'The school board',
    'Energy regulators',
    'Union representatives',
  ],
  actions: [
    'announced a review of',
    'voted to delay',
    'published new figures on',
    'warned of rising costs for',
    'agreed to expand',
    'opened an inquiry into',
    'reported a sharp drop in',
    'proposed changes to',
    'held talks on',
    'released a plan for',
  ],
  objects: [
    'bus routes in the northern districts',
    'quarterly interest rates',
    'grain exports',
    'emergency room staffing',
    'the harbour bridge repairs',
    'flood defences along the river',
    'container traffic through the port',
    "next year's school budget",
    'wholesale electricity prices',
    'the minimum wage agreement',
    'water usage during the drought',
    'housing permits for the coming year',
  ],
  tails: [
    'on Tuesday.',
    'this week.',
    'after a lengthy meeting.',
    'amid mounting pressure.',
    'late on Friday.',
    'earlier today.',
  ],
};

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export interface DemoSentence {
  domain: Domain;
  text: string;
  label?: 'NEGATIVE' | 'POSITIVE';
}

export function composeCorpus(perDomain: number, seed: number): DemoSentence[] {
  const rng = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.random() * xs.length)];
  const out: DemoSentence[] = [];
  for (const [domain, book] of Object.entries(PHRASES) as [Exclude<Domain, 'news'>, Phrasebook][]) {
    const seen = new Set<string>();
    for (let attempts = 0; seen.size < perDomain && attempts < perDomain * 50; attempts++) {
      const positive = seen.size % 2 === 0;
      const opener = pick(positive ? book.openers : [...book.openers, ...book.negativeOpeners]);
      const body = `${pick(book.subjects)} ${pick(positive ? book.positive : book.negative)}`;
      const text = `${opener ? opener + body : capitalise(body)}.`;
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ domain, text, label: positive ? 'POSITIVE' : 'NEGATIVE' });
    }
  }
  const seen = new Set<string>();
  for (let attempts = 0; seen.size < perDomain && attempts < perDomain * 50; attempts++) {
    const text = `${pick(NEWS.actors)} ${pick(NEWS.actions)} ${pick(NEWS.objects)} ${pick(NEWS.tails)}`;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ domain: 'news', text });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'data/demo-corpus.jsonl' },
      'per-domain': { type: 'string', default: '300' },
      seed: { type: 'string', default: '7' },
    },
  });
  const corpus = composeCorpus(Number(values['per-domain']), Number(values.seed));
  writeFileSync(values.out as string, `${corpus.map((s) => JSON.stringify(s)).join('\n')}\n`);
  console.log(`wrote ${corpus.length} sentences to ${values.out}`);
}
