# Sourced by scripts/demo and scripts/test: make .venv and install the project into it, unless what is
# installed is current: the same pyproject.toml, extras and Python as the last install (stamped in
# .venv), so running either script again is quick and changes nothing. The install is editable, so
# changes to the code need no reinstall; a change to pyproject.toml (dependencies) makes one.
#   ensure_venv ROOT [EXTRAS]
ensure_venv() {
    local root="$1" extras="${2:-}"
    local venv="$root/.venv"
    local stamp="$venv/.installed${extras:+-$extras}"
    if [ ! -x "$venv/bin/python" ]; then
        (cd "$root" && python3 -m venv "$venv")  # never over an existing one: it would mix two Pythons
    fi
    local want
    want="$("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])') $(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
    for done in "$stamp" "$venv/.installed-test"; do  # the test extras include everything the demo needs
        if [ -f "$done" ] && [ "$(cat "$done")" = "$want" ] && { [ -z "$extras" ] || [ "$done" = "$stamp" ]; }; then
            return 0
        fi
    done
    echo "installing the ledger${extras:+ with its $extras extras} into $venv (once; again only when pyproject.toml changes)" >&2
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -e "$root${extras:+[$extras]}"
    echo "$want" > "$stamp"
}
