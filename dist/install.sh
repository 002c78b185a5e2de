#!/bin/sh
# Installs tofui from this unpacked folder: checks SHA256SUMS, then copies the binary and the
# shell completions. No network, no root needed.
#
#   ./install.sh                      # as a user: ~/.local/bin/tofui; as root: /usr/local/bin/tofui
#   PREFIX=/opt/tofui ./install.sh    # anywhere else: PREFIX/bin/tofui
set -eu
cd "$(dirname "$0")"

if [ -z "${PREFIX:-}" ]; then
  if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX="$HOME/.local"; fi
fi

sha256sum -c --quiet SHA256SUMS
./tofui --version >/dev/null

install -d "$PREFIX/bin" \
  "$PREFIX/share/bash-completion/completions" \
  "$PREFIX/share/zsh/site-functions" \
  "$PREFIX/share/fish/vendor_completions.d"
install -m 0755 tofui "$PREFIX/bin/tofui"
install -m 0644 completions/tofui.bash "$PREFIX/share/bash-completion/completions/tofui"
install -m 0644 completions/_tofui "$PREFIX/share/zsh/site-functions/_tofui"
install -m 0644 completions/tofui.fish "$PREFIX/share/fish/vendor_completions.d/tofui.fish"

echo "installed $("$PREFIX/bin/tofui" --version) as $PREFIX/bin/tofui"
case ":$PATH:" in
  *":$PREFIX/bin:"*) ;;
  *) echo "note: $PREFIX/bin is not on PATH; add it, e.g. in ~/.profile: export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac
if [ "$PREFIX" != /usr/local ] && [ "$PREFIX" != /usr ]; then
  echo "note: zsh finds the completion with fpath+=($PREFIX/share/zsh/site-functions) in ~/.zshrc;"
  echo "      fish with: ln -s $PREFIX/share/fish/vendor_completions.d/tofui.fish ~/.config/fish/completions/"
fi
echo "next: tofui config init   # a commented config (the same as config.example.toml here)"
