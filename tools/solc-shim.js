#!/usr/bin/env node
// Makes npm's solc (the official WebAssembly build) answer like a native solc binary,
// for py-solc-x, brownie and slither: `--version`, and `--standard-json` on stdin.
// Imports not given in the input are read from disk, relative to --base-path,
// then each --include-path, then the working directory.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require(path.join(__dirname, "..", "node_modules", "solc"));

const args = process.argv.slice(2);
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--base-path" || args[i] === "--include-path") roots.push(args[++i]);
}
roots.push(process.cwd());

if (args.includes("--version")) {
  const native = solc.version().replace(".Emscripten.clang", ".Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${native}\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write("solc-shim: only --version and --standard-json are supported\n");
  process.exit(2);
}

function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
for (const [name, source] of Object.entries(input.sources || {})) {
  if (source.content === undefined && source.urls) {
    for (const url of source.urls) {
      const found = findImports(url);
      if (found.contents !== undefined) { input.sources[name] = { content: found.contents }; break; }
    }
  }
}
process.stdout.write(solc.compile(JSON.stringify(input), { import: findImports }));
