#!/bin/sh
# Lints the report's script (reports/assets/report.js) with ESLint and the
# rules in reports/assets/eslintrc.json: eslint:recommended, plus no markup
# APIs (innerHTML ...), no eval, no network API. Skipped (exit 77) when eslint
# is not installed (Debian: apt-get install eslint).
# Usage: lint_report_js.sh SOURCE_DIR
set -u
source_dir=$1
eslint=${ESLINT:-$(command -v eslint || true)}
if [ -z "$eslint" ]; then
  echo "SKIP: eslint not found on PATH (apt-get install eslint)"
  exit 77
fi
# Debian's eslint lives in /usr/share/nodejs, which a Node.js from elsewhere
# (NodeSource) does not search. The unix formatter needs no optional module.
# ESLint 6 wants the file below the working folder.
cd "$source_dir" || exit 1
NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH} "$eslint" --no-eslintrc \
  -c reports/assets/eslintrc.json -f unix reports/assets/report.js || exit 1
echo "ok: reports/assets/report.js passes eslint"
