#!/usr/bin/env bash
# Installs the Debian packages the test suite drives, when they are missing:
#   chromium        headless browser for the GraphiQL and explorer tests (Playwright drives it)
#   raptor2-utils   `rapper`, an RDF parser that is not rdflib, to check every export
#   default-jre-headless  Java for HermiT (through owlready2), the OWL 2 reasoner the ontology test runs
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rapper >/dev/null 2>&1 || need+=(raptor2-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)

# --- issue 24: Virtuoso, the second SPARQL server the remote-store tests run against ---
#   virtuoso-opensource-7-bin   `virtuoso-t` and `isql-vt` (Debian bookworm: 7.2.5)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource-7-bin)
# ----------------------------------------------------------------------------------------

[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "system-deps: please install ${need[*]} (Debian packages); the browser, export and reasoner tests need them" >&2
    exit 1
  fi
else SUDO=""; fi
echo "system-deps: installing ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
