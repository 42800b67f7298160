#!/usr/bin/env bash
# Build the test Neo4j server (kg.Neo4jServer) and bulk importer (kg.CsvImport) into
#   target/classes + target/lib/*.jar   (run with: java -cp 'target/classes:target/lib/*' kg.Neo4jServer ...)
# Idempotent: does nothing when target/ was built from the same pom.xml and sources.
set -euo pipefail
cd "$(dirname "$0")"

stamp_of() {
  { cat pom.xml; find src -type f -name '*.java' -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -d' ' -f1
}
want="$(stamp_of)"
if [[ "${1:-}" != "--force" && -f target/.build-stamp && "$(cat target/.build-stamp)" == "$want" \
      && -f target/classes/kg/Neo4jServer.class && -f target/classes/kg/CsvImport.class \
      && -d target/lib ]]; then
  exit 0
fi

command -v mvn >/dev/null || { echo "build.sh: mvn (Maven 3) is not installed" >&2; exit 127; }
# A changed pom may change the jar set: start the lib folder afresh so no stale jar stays on the classpath.
rm -rf target/lib target/.build-stamp
mkdir -p target
if ! mvn -B -q -Dstyle.color=never compile > target/maven.log 2>&1; then
  echo "build.sh: mvn failed; last lines of $(pwd)/target/maven.log:" >&2
  sed 's/\x1b\[[0-9;]*m//g' target/maven.log | tail -n 80 >&2
  exit 1
fi
echo "$want" > target/.build-stamp
