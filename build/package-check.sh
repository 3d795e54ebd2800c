#!/usr/bin/env bash
# Packs every package of src/ into a local feed in a temp dir, installs the mdev-sim tool from it and runs
# --version and --help, then builds and runs tests/consumer against the packed packages only. Prints
# "package-check: passed" or "package-check: failed (WHY)" and exits 0 or 1. test.sh counts it as one test.
# Usage: build/package-check.sh (CI=true turns ContinuousIntegrationBuild on, as in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
# A version nuget.org cannot have: a prerelease label of this run's own, so a restore that would take Mdev.* from
# anywhere but the feed fails instead of passing on someone else's package.
version="0.1.0-local.$(date -u +%Y%m%d%H%M%S).$$"
# Its own package cache: a stale cached Mdev.* of the same version can never be used.
export NUGET_PACKAGES="$work/packages"
export MDEV_LOCAL_FEED="$feed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { echo "package-check: failed ($1)"; exit 1; }

echo "package-check: packing $version into $feed"
# Release (bin/Release, obj/Release), so the Debug build dotnet test made is left as it was.
dotnet pack Mdev.sln -c Release -o "$feed" -p:Version="$version" -p:NuGetAudit=false --nologo -v quiet ||
  fail "dotnet pack"
for pkg in Mdev.Core Mdev.Vfio Mdev.Sim; do
  [ -f "$feed/$pkg.$version.nupkg" ] || fail "no $pkg.$version.nupkg in the feed"
done

echo "package-check: installing mdev-sim $version from the feed"
dotnet tool install --tool-path "$work/tools" --add-source "$feed" Mdev.Sim --version "$version" ||
  fail "dotnet tool install Mdev.Sim"
out="$("$work/tools/mdev-sim" --version)" || fail "mdev-sim --version exited $?"
[ "${out%%+*}" = "$version" ] || fail "mdev-sim --version printed '$out', not $version"
"$work/tools/mdev-sim" --help > "$work/help.txt" || fail "mdev-sim --help exited $?"
grep -q serve "$work/help.txt" || fail "mdev-sim --help does not name serve"
# mdev-sim run puts the preload library (statfs says sysfs) into its command's LD_PRELOAD, from next to its assembly.
find "$work/tools/.store" -path '*/tools/net10.0/any/mdev_vfio_preload.so' | grep -q . ||
  fail "the installed mdev-sim has no mdev_vfio_preload.so next to mdev-sim.dll"

echo "package-check: building tests/consumer against the feed"
# A copy outside the repository: obj/ and bin/ of one run never meet the next (and no build leaves files in the tree).
mkdir -p "$work/consumer/tests/consumer" "$work/consumer/docs/snippets"
cp tests/consumer/* "$work/consumer/tests/consumer/"
cp docs/snippets/MyDriver.cs "$work/consumer/docs/snippets/"
dotnet build "$work/consumer/tests/consumer/Mdev.Consumer.csproj" -p:MdevPackageVersion="$version" --nologo -v quiet ||
  fail "consumer build"
for pkg in mdev.core mdev.vfio; do
  [ -d "$NUGET_PACKAGES/$pkg/$version" ] || fail "consumer did not restore $pkg $version"
done
dotnet "$work/consumer/tests/consumer/bin/Debug/net10.0/Mdev.Consumer.dll" "$version" || fail "consumer run"
echo "package-check: passed"
