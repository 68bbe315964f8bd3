# tests/ci_templates/stand_ins.sh -- sourced by the scripts job.py writes:
# shell functions standing in for the template commands that would fetch or
# build over minutes, each checking its arguments, logging what it did to
# $BCE_TEST_LOG.  Set by run.sh: BCE_TEST_BUILD (the already-built libbce),
# BCE_TEST_DEST (the DESTDIR of its install).
#   apt-get update              nothing
#   apt-get install [-y ...] P  each P installed here or known to apt
#   git                         the real git (LIBBCE_GIT is this repository)
#   meson setup B S OPTS        S is libbce's source, every -Dname an option
#                               of libbce; B then stands for BCE_TEST_BUILD
#   ninja -C B                  ninja on BCE_TEST_BUILD (up to date: no-op)
#   meson install -C B          meson install of BCE_TEST_BUILD into
#                               BCE_TEST_DEST (run.sh puts its bin on PATH)
#   ldconfig                    nothing (bce finds its libraries by rpath)
log() { echo "stand-in: $*" >>"$BCE_TEST_LOG"; echo "stand-in: $*"; }
apt-get() {
    case $1 in
        update) log "apt-get update: skipped" ;;
        install)
            shift
            local p
            for p in "$@"; do
                case $p in -*) continue ;; esac
                if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed'; then
                    :
                elif apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
                    :
                else
                    echo "apt-get install: unknown package $p" >&2
                    return 100
                fi
            done
            log "apt-get install: $* (installed or known here)" ;;
        *) echo "apt-get $1: not stood in for" >&2; return 100 ;;
    esac
}
declare -A _bce_builds
meson() {
    case $1 in
        setup)
            shift
            local a pos=() known
            known=$(command meson introspect --buildoptions "$BCE_TEST_BUILD" |
                python3 -c 'import json,sys; print(" ".join(o["name"] for o in json.load(sys.stdin)))')
            for a in "$@"; do
                case $a in
                    -D*=*) a=${a#-D}; a=${a%%=*}
                           [[ " $known " == *" $a "* ]] || { echo "meson setup: unknown option -D$a" >&2; return 1; } ;;
                    --buildtype=*|--prefix=*) ;;
                    -*) echo "meson setup: option $a not stood in for" >&2; return 1 ;;
                    *) pos+=("$a") ;;
                esac
            done
            [ "${#pos[@]}" -eq 2 ] || { echo "meson setup: expected BUILDDIR SRCDIR" >&2; return 1; }
            grep -q "^project('libbce'" "${pos[1]}/meson.build" ||
                { echo "meson setup: ${pos[1]} is not libbce's source" >&2; return 1; }
            _bce_builds[${pos[0]}]=1
            log "meson setup ${pos[0]}: stands for $BCE_TEST_BUILD" ;;
        install)
            [ "$2" = -C ] && [ -n "${_bce_builds[$3]:-}" ] ||
                { echo "meson install: not a build set up above: $*" >&2; return 1; }
            command meson install -C "$BCE_TEST_BUILD" --destdir "$BCE_TEST_DEST" --no-rebuild >/dev/null &&
                log "meson install -C $3: $BCE_TEST_BUILD into $BCE_TEST_DEST" ;;
        *) command meson "$@" ;;
    esac
}
ninja() {
    [ "$1" = -C ] && [ -n "${_bce_builds[$2]:-}" ] ||
        { echo "ninja: not a build set up above: $*" >&2; return 1; }
    command ninja -C "$BCE_TEST_BUILD" -j "${BCE_JOBS:-2}" >/dev/null &&
        log "ninja -C $2: $BCE_TEST_BUILD is up to date"
}
ldconfig() { log "ldconfig: skipped"; }
