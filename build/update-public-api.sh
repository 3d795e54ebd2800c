#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every shipped package (every project under src/) from its code, after an
# API change, a merge or a new src/ project. Usage: build/update-public-api.sh [src/Project ...] (default: all).
#
# What it does, per project:
#  1. creates PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt holding only "#nullable enable" when missing (a new
#     project gets tracking with no hand step; Microsoft.CodeAnalysis.PublicApiAnalyzers picks the files up itself);
#  2. empties Unshipped to "#nullable enable", so removed or renamed members leave it too;
#  3. runs the analyzer's own code fix for RS0016 ("add to public API") through `dotnet format analyzers`, which
#     writes every public member that is not in Shipped into Unshipped, then sorts Unshipped (stable diffs).
# Shipped is never rewritten: at a release, move Unshipped's lines into Shipped by hand (RS0017 then guards removals).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then projects=("$@"); else projects=(src/*/); fi
for dir in "${projects[@]}"; do
  dir="${dir%/}"
  csproj=("$dir"/*.csproj)
  [ -f "${csproj[0]}" ] || { echo "update-public-api: no .csproj in $dir" >&2; exit 1; }
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  # RS0016's fix is the one that writes Unshipped; --severity info so it runs whatever the rule's level.
  # It restores first: a project whose assets predate the analyzer's PackageReference would report nothing.
  dotnet format analyzers "${csproj[0]}" --diagnostics RS0016 --severity info
  # "#nullable enable" first, then the entries in ordinal order.
  { echo '#nullable enable'; grep -v '^#nullable enable$' "$dir/PublicAPI.Unshipped.txt" | grep -v '^$' | LC_ALL=C sort -u || true; } \
    > "$dir/PublicAPI.Unshipped.txt.new"
  mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
  echo "update-public-api: $dir: $(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1)) unshipped entries"
done
