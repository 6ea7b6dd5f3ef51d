// Child process for the local-store test: increments a shared counter `count` times through compare-and-swap.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalFileConditionalStore } from '../../../functions/adapters/alert-state-store.ts';

const [root, key, countArg, writersArg] = process.argv.slice(2);
// A barrier: every writer announces itself and waits for the others, so their writes really overlap.
await writeFile(join(root, `ready-${process.pid}`), '');
while ((await readdir(root)).filter((f) => f.startsWith('ready-')).length < Number(writersArg)) {
  await new Promise((r) => setTimeout(r, 5));
}
const store = new LocalFileConditionalStore(root);
let conflicts = 0;
for (let i = 0; i < Number(countArg); i++) {
  for (;;) {
    const cur = await store.get(key);
    const value = cur ? Number(new TextDecoder().decode(cur.body)) : 0;
    if (await store.putIfVersion(key, new TextEncoder().encode(String(value + 1)), cur?.version ?? null))
      break;
    conflicts++;
  }
}
process.stdout.write(JSON.stringify({ conflicts }));
