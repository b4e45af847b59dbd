// Run by memory.test.ts in a fresh process, so its resident memory is this program's
// alone: how much a large np.zeros (and printing it) adds to it.
import { np } from "../../packages/nabla/src/index.js";

const shape = JSON.parse(process.argv[2]!) as number[];
const rss = () => process.memoryUsage().rss;
const before = rss();
const z = np.zeros(shape);
const text = z.toString();
process.stdout.write(JSON.stringify({ bytes: z.size * 8, grew: rss() - before, lines: text.split("\n").length, text }));
