#!/usr/bin/env bash
# Which stacks a change touches, as a JSON array for a GitHub Actions matrix (docs/ci.md).
#
#   git diff --name-only BASE HEAD | .github/scripts/changed-stacks.sh [--root DIR] [--all] [--only prod|nonprod]
#
# Reads changed paths (relative to the repository root, one per line) on stdin and prints e.g.
# ["healthcare-dev","legal-ai-dev"] (sorted; [] when none). A stack's environment and use case come
# from its file's cluster-orchestrator:environment / cluster-orchestrator:useCase keys.
#   stacks/Pulumi.<stack>.yaml                   -> that stack (while its file exists)
#   Pulumi.<env>.yaml (an environment layer)     -> every stack of that environment
#   stacks/<usecase>.ts (a use-case profile)     -> every stack of that use case
#   the program: Pulumi.yaml, index.ts, package.json, package-lock.json, tsconfig.json,
#     components/, cloud-init/, policy/, any other stacks/*.ts (profiles.ts),
#     xo-pools.yaml (the capacity model every stack is checked against) -> every stack
#   anything else (docs/, tests/, render/, bin/, .github/, ...) -> no stack
# --all        every stack, whatever changed (stdin is not read)
# --only ENV   prod: only stacks of the prod environment; nonprod: all others
# --root DIR   the repository checkout (default: the current directory)
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() {
  echo "changed-stacks: $*" >&2
  exit 2
}

root=.
all=false
only=""
while (($# > 0)); do
  case "$1" in
    --root)
      (($# > 1)) || die "--root needs a directory"
      root=$2
      shift 2
      ;;
    --all)
      all=true
      shift
      ;;
    --only)
      (($# > 1)) || die "--only needs prod or nonprod"
      only=$2
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
case "$only" in
  "" | prod | nonprod) ;;
  *) die "--only takes prod or nonprod, not '$only'" ;;
esac
[[ -d "$root/stacks" ]] || die "no stacks/ directory under '$root'"

# Reads a stack file's cluster-orchestrator:environment / :useCase values (without quotes or
# comment) into file_env / file_usecase, in bash alone (no process per file).
read_stack_file() {
  local line value
  file_env=""
  file_usecase=""
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*cluster-orchestrator:(environment|useCase):[[:space:]]*(.*)$ ]] || continue
    value=${BASH_REMATCH[2]%$'\r'}
    value=${value%%[[:space:]]#*}
    value=${value%"${value##*[![:space:]]}"}
    value=${value#[\"\']}
    value=${value%[\"\']}
    if [[ "${BASH_REMATCH[1]}" == environment ]]; then file_env=$value; else file_usecase=$value; fi
  done <"$1"
}

declare -A env_of=() usecase_of=() selected=()
stacks=()
shopt -s nullglob
for file in "$root"/stacks/Pulumi.*.yaml; do
  stack=${file##*/Pulumi.}
  stack=${stack%.yaml}
  [[ "$stack" =~ ^[A-Za-z0-9._-]+$ ]] || die "unexpected stack file name '$file'"
  read_stack_file "$file"
  env_of[$stack]=${file_env:-${stack##*-}}
  usecase_of[$stack]=${file_usecase:-${stack%-*}}
  stacks+=("$stack")
done

select_all() {
  local s
  for s in ${stacks[@]+"${stacks[@]}"}; do selected[$s]=1; done
}

# Selects every stack whose environment ($1 = env) or use case ($1 = usecase) is $2; fails when none.
select_where() {
  local s value found=1
  for s in ${stacks[@]+"${stacks[@]}"}; do
    if [[ "$1" == env ]]; then value=${env_of[$s]}; else value=${usecase_of[$s]}; fi
    if [[ "$value" == "$2" ]]; then
      selected[$s]=1
      found=0
    fi
  done
  return $found
}

if $all; then
  select_all
else
  while IFS= read -r path || [[ -n "$path" ]]; do
    path=${path%$'\r'}
    path=${path#./}
    case "$path" in
      "") ;;
      stacks/Pulumi.*.yaml)
        stack=${path#stacks/Pulumi.}
        stack=${stack%.yaml}
        if [[ -n "${env_of[$stack]+set}" ]]; then
          selected[$stack]=1
        else
          echo "changed-stacks: $path no longer exists: retire that stack by hand (pulumi destroy)" >&2
        fi
        ;;
      Pulumi.yaml) select_all ;;
      Pulumi.*.yaml)
        env=${path#Pulumi.}
        select_where env "${env%.yaml}" || true
        ;;
      stacks/*.ts)
        usecase=${path#stacks/}
        # Not a use-case profile (profiles.ts, a shared helper): it may shape every stack.
        select_where usecase "${usecase%.ts}" || select_all
        ;;
      index.ts | package.json | package-lock.json | tsconfig.json | components/* | cloud-init/* | policy/* | xo-pools.yaml)
        select_all
        ;;
      *) ;;
    esac
  done
fi

out=()
for s in ${stacks[@]+"${stacks[@]}"}; do
  [[ -n "${selected[$s]+set}" ]] || continue
  case "$only" in
    prod) [[ "${env_of[$s]}" == prod ]] || continue ;;
    nonprod) [[ "${env_of[$s]}" != prod ]] || continue ;;
  esac
  out+=("\"$s\"")
done
if ((${#out[@]} > 0)); then
  (
    IFS=,
    printf '[%s]\n' "${out[*]}"
  )
else
  printf '[]\n'
fi
