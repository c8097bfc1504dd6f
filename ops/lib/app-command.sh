# An administrator's command of the app (`dotnet Platform.Api.dll <verb> ...`) against the database ops/run uses, for
# ops/audit and ops/leads. Source it, then: app_command TOOL VERB... . The database is PLATFORM_DB if set, else .data's
# cluster (PLATFORM_DATA / PLATFORM_PG_PORT as for ops/run; started for the command and stopped again if it was not
# running). Only the command's own output on stdout; the host's logging is kept to errors.
app_command() {
  local tool=$1; shift
  local root data pg_port build
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  data=${PLATFORM_DATA:-$root/.data}
  pg_port=${PLATFORM_PG_PORT:-55432}
  if [ -z "${PLATFORM_DB:-}" ]; then
    [ -d "$data/pg" ] || { echo "ops/$tool: no database: $data/pg does not exist (run ops/run once) and PLATFORM_DB is not set." >&2; return 2; }
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; then
      "$root/ops/pg" start "$data/pg" "$pg_port"
      trap '"'"$root"'/ops/pg" stop "'"$data"'/pg"' EXIT
    fi
    export PLATFORM_DB="Host=127.0.0.1;Port=$pg_port;Database=platform;Username=postgres"
  fi
  mkdir -p "$root/.build"
  build=$root/.build/$tool
  dotnet build "$root/Platform.Api/Platform.Api.csproj" -c Release -nologo -v quiet -o "$build" >"$build.log" 2>&1 ||
    { cat "$build.log" >&2; echo "ops/$tool: the build failed; see above." >&2; return 2; }
  (cd "$build" && Logging__LogLevel__Default=Error Platform__DataDirectory="$data" dotnet "$build/Platform.Api.dll" "$@")
}
