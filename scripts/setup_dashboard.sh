#!/usr/bin/env bash
# Make the dashboard (`govsim dashboard`) and its browser test work offline:
#
#  1. checks the venv has the `dashboard` extra of pyproject.toml (solara, mesa[viz],
#     altair, ipyvue<2, ipyvuetify<2, playwright); pip-installs it only if not
#  2. apt-get installs Debian's chromium if /usr/bin/chromium is missing (Playwright's
#     own browser download is never used: the browser test drives this one)
#  3. fills Solara's CDN proxy cache (<venv>/share/solara/cdn/) from the npm registry,
#     so the page's JavaScript and CSS never have to come from the public CDN
#
# usage: scripts/setup_dashboard.sh [VENV]      (default: .venv in the repository)
#
# Idempotent: a warm run does nothing and takes about 2-3 s. The asset cache lives
# inside the venv, so a new venv needs this script again (`make install-test` runs it).
# Env knobs: SKIP_CHROMIUM=1 skips step 2; EXTRA_NPM="pkg@ver ..." adds packages to the
# cache (e.g. mermaid@10.8.0, only for solara.Markdown mermaid diagrams).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-$ROOT/.venv}"
PY="$VENV/bin/python"
if [[ ! -x "$PY" ]]; then
    echo "error: $PY not found; create the venv first (make install-test)" >&2
    exit 1
fi

log() { printf '[setup_dashboard %(%H:%M:%S)T] %s\n' -1 "$*"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    log "apt-get install $*"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# ---------------------------------------------------------------- 1. Python packages
stack_ok() {
    "$PY" - <<'EOF'
import importlib.metadata as md
import sys

try:
    for name in ("mesa", "solara", "altair", "ipyvue", "ipyvuetify", "playwright"):
        md.version(name)
except md.PackageNotFoundError as missing:
    print(f"  missing: {missing}")
    sys.exit(1)
# ipyvue/ipyvuetify 3.x break SolaraViz's draggable grid ("GlobalVue.use is not a function")
for name in ("ipyvue", "ipyvuetify"):
    if int(md.version(name).split(".")[0]) >= 2:
        print(f"  {name} {md.version(name)} must be <2")
        sys.exit(1)
EOF
}
if stack_ok; then
    log "dashboard packages present"
else
    log "pip install -e $ROOT[dashboard]"
    # the grep drops this machine's harmless "Location ... is ignored" noise; pip's
    # exit status is lost in the pipe, so the result is checked again afterwards
    "$PY" -m pip install -q --disable-pip-version-check -e "$ROOT[dashboard]" 2>&1 \
        | { grep -v "is ignored" || true; }
    stack_ok || { echo "error: the dashboard packages did not install" >&2; exit 1; }
fi

# ---------------------------------------------------------------- 2. chromium
if [[ "${SKIP_CHROMIUM:-0}" != 1 ]]; then
    if [[ -x /usr/bin/chromium ]]; then
        log "chromium present"
    else
        apt_install chromium
        log "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
    fi
fi

# ---------------------------------------------------------------- 3. Solara CDN cache
CACHE_DIR="$("$PY" -c 'import solara.server.settings as s; print(s.assets.proxy_cache_dir)')"
mkdir -p "$CACHE_DIR"

# Folder name = the path the page requests, "<npm-name>@<version as solara writes it>".
# Solara requests vega@5, vega-lite@5 and vega-embed@6 with the range in the path
# (solara/widgets/vue/vegalite.vue), so those folders keep the range name and hold the
# newest matching release, as the CDN would serve. The Vue 3 page shell
# (@widgetti/solara-vuetify3-app) is not cached: with ipyvuetify<2 it is never loaded.
NPM_PKGS=(
    "@widgetti/solara-vuetify-app@10.1.1"        # page shell for ipyvuetify<2 (Vue 2)
    "font-awesome@4.5.0"                         # settings.assets.fontawesome_path
    "requirejs@2.3.6"                            # loader used by every widget
    "@widgetti/vue-grid-layout@2.3.13-alpha.2"   # SolaraViz GridDraggable
    "vega@5"                                     # solara.FigureAltair
    "vega-lite@5"
    "vega-embed@6"
    "katex@0.16.9"                               # solara.Markdown math
)
# shellcheck disable=SC2206
NPM_PKGS+=(${EXTRA_NPM:-})

missing=()
for spec in "${NPM_PKGS[@]}"; do
    [[ -f "$CACHE_DIR/$spec/package.json" ]] || missing+=("$spec")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    log "Solara asset cache complete ($CACHE_DIR)"
else
    command -v npm >/dev/null || apt_install npm
    log "npm pack ${missing[*]}"
    TMP="$(mktemp -d)"
    trap 'rm -rf "$TMP"' EXIT
    # one npm call packs every package (much faster than one call each); --json maps
    # each spec to its tarball in the same order; a private cache keeps ~/.npm clean
    (cd "$TMP" && npm pack --silent --json --ignore-scripts --cache "$TMP/npm-cache" \
        "${missing[@]}" > pack.json)
    mapfile -t tarballs < <("$PY" -c '
import json, sys
for entry in json.load(open(sys.argv[1])):
    print(entry["filename"], entry["name"] + "@" + entry["version"], sep="\t")
' "$TMP/pack.json")
    if [[ ${#tarballs[@]} -ne ${#missing[@]} ]]; then
        echo "error: npm pack returned ${#tarballs[@]} tarballs for ${#missing[@]} specs" >&2
        exit 1
    fi
    for i in "${!missing[@]}"; do
        spec="${missing[$i]}"
        IFS=$'\t' read -r tarball resolved <<<"${tarballs[$i]}"
        dest="$CACHE_DIR/$spec"
        mkdir -p "$(dirname "$dest")"
        # unpack beside the destination, then rename: a half-unpacked folder is never
        # visible under the real name (package.json is the "done" marker)
        stage="$(mktemp -d "$(dirname "$dest")/.staging.XXXXXX")"
        # npm tarballs have one top folder (usually "package/"): strip it
        tar -xzf "$TMP/$tarball" -C "$stage" --strip-components=1 --no-same-owner
        [[ -f "$stage/package.json" ]] || { echo "error: $tarball has no package.json" >&2; exit 1; }
        chmod 755 "$stage"
        rm -rf "$dest"
        mv "$stage" "$dest"
        log "  cached $spec (npm $resolved)"
    done
fi

# the files a SolaraViz page loads
for f in \
    "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js" \
    "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.js" \
    "@widgetti/solara-vuetify-app@10.1.1/dist/main8.css" \
    "@widgetti/solara-vuetify-app@10.1.1/dist/fonts.css" \
    "requirejs@2.3.6/require.js" \
    "font-awesome@4.5.0/css/font-awesome.min.css" \
    "@widgetti/vue-grid-layout@2.3.13-alpha.2/dist/vue-grid-layout.umd.js" \
    "vega@5/build/vega.min.js" \
    "vega-lite@5/build/vega-lite.min.js" \
    "vega-embed@6/build/vega-embed.min.js"; do
    [[ -f "$CACHE_DIR/$f" ]] || { echo "error: missing $CACHE_DIR/$f" >&2; exit 1; }
done
log "done"
