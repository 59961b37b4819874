// Bundle the owner pages' script (js/owner/main.js, with viem and mipd from node_modules) into
// the package: src/luxpass/web/static/owner.js, generated, never committed. `make build` runs it;
// tests/test_wheel.py checks that the wheel carries it and that it is not stale.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [entry, outfile] = process.argv.length > 3
  ? [path.resolve(process.argv[2]), path.resolve(process.argv[3])]  // another bundle (the tests' wallet)
  : [path.join(root, "js/owner/main.js"), path.join(root, "src/luxpass/web/static/owner.js")];

try {
  const result = await build({
    entryPoints: [entry], outfile, bundle: true, format: "iife", target: ["es2020"], platform: "browser",
    minify: true, legalComments: "eof", metafile: true, logLevel: "warning",
  });
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  console.log(`bundled ${path.relative(root, entry)} into ${path.relative(root, outfile)} (${(bytes / 1024).toFixed(0)} KiB)`);
} catch (error) {
  console.error(`error: the bundle of ${path.relative(root, entry)} failed; see the messages above`);
  process.exit(1);
}
