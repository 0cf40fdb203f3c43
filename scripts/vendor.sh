#!/bin/sh
# Install the browser libraries from the npm registry (exact versions from package-lock.json)
# and copy their distribution files into server/static/vendor/ (ignored by git).
set -eu
npm ci --no-audit --no-fund --loglevel=error
dest=server/static/vendor
rm -rf "$dest"
mkdir -p "$dest"
node -e '
const fs = require("fs"), path = require("path");
const files = require("./package.json").vendor || {};
for (const [target, source] of Object.entries(files)) {
  const to = path.join(process.argv[1], target);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(source, to);
}
' "$dest"
touch "$dest/.installed"
