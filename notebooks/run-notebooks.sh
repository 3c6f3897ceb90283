#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless against the artifacts of this build, and fails on
# any cell error or a notebook without an image output.
#
#   notebooks/run-notebooks.sh              executed copies go to target/notebooks/
#   notebooks/run-notebooks.sh --inplace    the notebooks in notebooks/ are replaced by their executed form
#
# Run after the build (./mvnw verify or install). It:
#  1. fetches the Java kernel (io.github.padreati:rapaio-jupyter-kernel) with Maven and installs its
#     kernel spec under target/notebook-env (JUPYTER_PATH), not in the user's Jupyter directories;
#  2. deploys the build's artifacts to a file:// Maven repository, target/notebook-repo, which the
#     notebooks add with %dependency /add-repo (MLPZOO_REPO), next to the Maven local repository
#     the build filled (MLPZOO_M2) for DJL and the other third-party jars;
#  3. executes each notebook with nbclient, as jupyter nbconvert --execute does
#     (notebooks/execute_notebook.py: it lets the kernel settle before the first request).
# Extra Maven arguments (e.g. -Dmaven.repo.local=DIR) come from MVN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

KERNEL_VERSION=3.0.1
KERNEL_NAME=rapaio-jupyter-kernel
inplace=false
[ "${1:-}" = "--inplace" ] && inplace=true

read -r -a mvn_args <<< "${MVN_ARGS:-}"
m2="${MLPZOO_M2:-}"
for a in "${mvn_args[@]}"; do
  case "$a" in -Dmaven.repo.local=*) m2="${a#-Dmaven.repo.local=}" ;; esac
done
m2="${m2:-$HOME/.m2/repository}"
m2="$(cd "$m2" && pwd)"

# Debian's Python, where jupyter-nbconvert's nbclient and nbformat live
py="${PYTHON:-/usr/bin/python3}"
"$py" -c "import nbclient, nbformat, jupyter_client" 2>/dev/null || {
  echo "run-notebooks: Jupyter is missing (apt-get install jupyter-nbconvert jupyter-client python3-ipykernel)" >&2; exit 2; }

env_dir="$root/target/notebook-env"
kernel_dir="$env_dir/kernels/$KERNEL_NAME"
repo="$root/target/notebook-repo"
out_dir="$root/target/notebooks"

echo "== kernel: io.github.padreati:rapaio-jupyter-kernel:$KERNEL_VERSION"
mkdir -p "$kernel_dir"
if [ ! -f "$kernel_dir/rapaio-jupyter-kernel-$KERNEL_VERSION.jar" ]; then
  ./mvnw -B -ntp -q "${mvn_args[@]}" -N dependency:copy \
    -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$KERNEL_VERSION" -DoutputDirectory="$kernel_dir"
fi
cat > "$kernel_dir/kernel.json" <<JSON
{
  "argv": ["java", "-Xmx4g", "-Djava.awt.headless=true", "-jar",
           "$kernel_dir/rapaio-jupyter-kernel-$KERNEL_VERSION.jar", "{connection_file}"],
  "display_name": "Java (rjk $KERNEL_VERSION)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "RJK_CLASSPATH": "",
    "RJK_COMPILER_OPTIONS": "",
    "RJK_INIT_SCRIPT": "",
    "RJK_TIMEOUT_MILLIS": "-1",
    "RJK_MIMA_CACHE": "mima_cache"
  }
}
JSON
# the kernel's own Maven cache must not keep an older build of our snapshots
rm -rf "$kernel_dir/mima_cache/ai/mlpzoo"

echo "== deploying the build to file://$repo"
rm -rf "$repo"
# the notebooks are examples too: they may use the examples module, which is never published elsewhere.
# Not installed: deploy runs the install phase, which would put this build's snapshots into the
# Maven local repository that other builds on the machine resolve from.
./mvnw -B -ntp -q "${mvn_args[@]}" deploy -pl examples,nlp -am -DskipTests -Dmaven.deploy.skip=false \
  -Dmaven.install.skip=true -DaltDeploymentRepository="notebooks::file://$repo"

export JUPYTER_PATH="$env_dir"
export MLPZOO_REPO="$repo"
export MLPZOO_M2="$m2"
export PYDEVD_DISABLE_FILE_VALIDATION=1
mkdir -p "$out_dir"
status=0
for nb in notebooks/*.ipynb; do
  name="$(basename "$nb")"
  echo "== executing $name"
  start=$(date +%s)
  ok=true
  "$py" notebooks/execute_notebook.py "$nb" "$out_dir/$name" "$KERNEL_NAME" > "$out_dir/$name.log" 2>&1 || ok=false
  if ! $ok; then
    echo "run-notebooks: $name failed; the log's tail:" >&2
    grep -v -E '^\[20[0-9-]+ [0-9:]+\] \[INFO' "$out_dir/$name.log" | tail -40 >&2
    status=1
    continue
  fi
  # a cell can fail without an error reply (a dependency that did not resolve is only printed):
  # require no error outputs, no failed resolution, and at least one image
  if ! "$py" - "$out_dir/$name" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
problems, images = [], 0
for i, c in enumerate(nb["cells"]):
    for o in c.get("outputs", []):
        if o.get("output_type") == "error":
            problems.append("cell %d: %s: %s" % (i, o.get("ename"), o.get("evalue")))
        text = "".join(o.get("text", "")) if isinstance(o.get("text"), list) else str(o.get("text", ""))
        if "Could not resolve" in text or "could not be resolved" in text:
            problems.append("cell %d: %s" % (i, text.strip()[:300]))
        if "image/png" in o.get("data", {}):
            images += 1
if images == 0:
    problems.append("no image output")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
  then
    echo "run-notebooks: $name: problems above" >&2
    status=1
    continue
  fi
  echo "   ok in $(( $(date +%s) - start )) s"
  if $inplace; then
    cp "$out_dir/$name" "$nb"
  fi
done
exit $status
